import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';

/** Alipay open platform, RSA2 keys in "public key" mode (not certificate mode). */
export interface AlipayConfig {
  appId: string;
  /** The app's private key (PEM, PKCS#1 or PKCS#8) that signs requests. */
  privateKey: string;
  /** Alipay's public key (PEM) that verifies notifications and responses. */
  alipayPublicKey: string;
  gateway: string;
}

/** A key WeChat Pay signs with, named by the serial it sends in `Wechatpay-Serial`. */
export interface WechatPayPlatformKey {
  serial: string;
  publicKey: string;
}

export interface WechatPayConfig {
  mchId: string;
  appId: string;
  /** The APIv3 key: 32 bytes (AES-256-GCM). */
  apiV3Key: string;
  /** The merchant's API private key and its certificate serial, for signing requests. */
  privateKey: string;
  certSerial: string;
  platformKeys: WechatPayPlatformKey[];
  apiBase: string;
}

export interface ProviderConfig {
  /** Where providers and carriers reach this service (notify_url, callbacks). */
  publicUrl: string;
  /** Signs the sandbox provider's simulated callbacks. */
  sandboxSecret: string;
  alipay: AlipayConfig | undefined;
  wechatpay: WechatPayConfig | undefined;
  /** Kuaidi100 push `salt`: sign = MD5(param + salt). */
  kuaidi100Salt: string | undefined;
  /** HMAC secret of the generic signed JSON tracking format. */
  carrierSecret: string | undefined;
}

/** A PEM given inline (newlines may be written as \n) or as a path to a file. */
function pem(raw: string | undefined, name: string, problems: string[]): string | undefined {
  if (!raw) return undefined;
  if (raw.includes('-----BEGIN')) return raw.replace(/\\n/g, '\n');
  try {
    return fs.readFileSync(raw, 'utf8');
  } catch {
    problems.push(`${name}: expected a PEM, or the path of a PEM file`);
    return undefined;
  }
}

function platformKeys(env: NodeJS.ProcessEnv, problems: string[]): WechatPayPlatformKey[] {
  const keys: WechatPayPlatformKey[] = [];
  const cert = pem(env.WECHATPAY_PLATFORM_CERT, 'WECHATPAY_PLATFORM_CERT', problems);
  if (cert) {
    try {
      const x509 = new X509Certificate(cert);
      keys.push({
        serial: x509.serialNumber.toUpperCase(),
        publicKey: x509.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      });
    } catch {
      problems.push('WECHATPAY_PLATFORM_CERT: not a readable X.509 certificate');
    }
  }
  const key = pem(env.WECHATPAY_PUBLIC_KEY, 'WECHATPAY_PUBLIC_KEY', problems);
  if (key && env.WECHATPAY_PUBLIC_KEY_ID) keys.push({ serial: env.WECHATPAY_PUBLIC_KEY_ID, publicKey: key });
  return keys;
}

/** Provider and carrier settings; a provider is on only when all its settings are given. */
export function loadProviderConfig(env: NodeJS.ProcessEnv, problems: string[]): ProviderConfig {
  const alipayKey = pem(env.ALIPAY_PRIVATE_KEY, 'ALIPAY_PRIVATE_KEY', problems);
  const alipayPublic = pem(env.ALIPAY_PUBLIC_KEY, 'ALIPAY_PUBLIC_KEY', problems);
  const alipay =
    env.ALIPAY_APP_ID && alipayKey && alipayPublic
      ? {
          appId: env.ALIPAY_APP_ID,
          privateKey: alipayKey,
          alipayPublicKey: alipayPublic,
          gateway: env.ALIPAY_GATEWAY || 'https://openapi.alipay.com/gateway.do',
        }
      : undefined;
  const wxKey = pem(env.WECHATPAY_PRIVATE_KEY, 'WECHATPAY_PRIVATE_KEY', problems);
  const apiV3Key = env.WECHATPAY_API_V3_KEY;
  if (apiV3Key && ![16, 32].includes(Buffer.byteLength(apiV3Key))) {
    problems.push('WECHATPAY_API_V3_KEY: expected 32 bytes');
  }
  const keys = platformKeys(env, problems);
  const wechatpay =
    env.WECHATPAY_MCH_ID &&
    env.WECHATPAY_APP_ID &&
    apiV3Key &&
    wxKey &&
    env.WECHATPAY_CERT_SERIAL &&
    keys.length
      ? {
          mchId: env.WECHATPAY_MCH_ID,
          appId: env.WECHATPAY_APP_ID,
          apiV3Key,
          privateKey: wxKey,
          certSerial: env.WECHATPAY_CERT_SERIAL,
          platformKeys: keys,
          apiBase: env.WECHATPAY_API_BASE || 'https://api.mch.weixin.qq.com',
        }
      : undefined;
  return {
    publicUrl: (env.PUBLIC_URL || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/$/, ''),
    sandboxSecret: env.SANDBOX_PAYMENT_SECRET || 'ordersync-sandbox-secret',
    alipay,
    wechatpay,
    kuaidi100Salt: env.KUAIDI100_SALT || undefined,
    carrierSecret: env.CARRIER_PUSH_SECRET || undefined,
  };
}
