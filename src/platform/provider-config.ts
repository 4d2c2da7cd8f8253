import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDataDirSecret } from './data-dir-secret.js';

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
  /**
   * The sandbox provider (PAYMENT_SANDBOX): anyone who may call its pay action can mark an order
   * paid, so it is on only in the embedded demo unless asked for.
   */
  sandbox: boolean;
  /**
   * Signs the sandbox's simulated callbacks: SANDBOX_PAYMENT_SECRET, or, in the embedded demo, one
   * generated for the data directory at start (ensureSandboxSecret). Never a default anyone knows.
   */
  sandboxSecret: string | undefined;
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
  const sandboxFlag = env.PAYMENT_SANDBOX || (env.DATABASE_URL ? 'false' : 'true');
  if (!['true', 'false'].includes(sandboxFlag)) problems.push('PAYMENT_SANDBOX: expected true or false');
  const sandbox = sandboxFlag === 'true';
  const sandboxSecret = env.SANDBOX_PAYMENT_SECRET || undefined;
  if (sandboxSecret !== undefined && sandboxSecret.length < 16) {
    problems.push('SANDBOX_PAYMENT_SECRET: must be at least 16 characters');
  }
  if (sandbox && env.DATABASE_URL && !sandboxSecret) {
    // every process must sign and verify with the same secret, and they share no data directory
    problems.push(
      'PAYMENT_SANDBOX=true with DATABASE_URL: set SANDBOX_PAYMENT_SECRET (at least 16 characters)',
    );
  }
  return {
    publicUrl: (env.PUBLIC_URL || `http://127.0.0.1:${env.PORT || 3000}`).replace(/\/$/, ''),
    sandbox,
    sandboxSecret,
    alipay,
    wechatpay,
    kuaidi100Salt: env.KUAIDI100_SALT || undefined,
    carrierSecret: env.CARRIER_PUSH_SECRET || undefined,
  };
}

/** The payment methods an order may name here: known at start, so placing an order checks a set. */
export function configuredPaymentMethods(config: ProviderConfig): ReadonlySet<string> {
  return new Set([
    ...(config.sandbox ? ['sandbox'] : []),
    'cod',
    ...(config.alipay ? ['alipay'] : []),
    ...(config.wechatpay ? ['wechatpay'] : []),
  ]);
}

/**
 * The embedded demo's sandbox secret when SANDBOX_PAYMENT_SECRET is not set: made once per data
 * directory (random, readable by its owner only) and read on later starts, so callbacks signed
 * before a restart still verify and nobody outside this machine can know it.
 */
export function ensureSandboxSecret<C extends { dataDir: string; providers: ProviderConfig }>(config: C): C {
  if (!config.providers.sandbox || config.providers.sandboxSecret) return config;
  const file = path.join(config.dataDir, 'sandbox-payment-secret');
  const secret = ensureDataDirSecret(config.dataDir, 'sandbox-payment-secret');
  if (secret.length < 16) throw new Error(`${file}: expected a secret of at least 16 characters`);
  return { ...config, providers: { ...config.providers, sandboxSecret: secret } };
}
