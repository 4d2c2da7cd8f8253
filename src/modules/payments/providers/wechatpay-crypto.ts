import { createDecipheriv, createSign, createVerify, randomBytes } from 'node:crypto';

/** The string WeChat Pay v3 signs in a response or notification: timestamp, nonce, body, each ending in \n. */
export const wechatMessage = (timestamp: string, nonce: string, body: string) =>
  `${timestamp}\n${nonce}\n${body}\n`;

export function verifyWechatSignature(
  timestamp: string,
  nonce: string,
  body: string,
  signature: string,
  publicKey: string,
): boolean {
  try {
    return createVerify('RSA-SHA256')
      .update(wechatMessage(timestamp, nonce, body))
      .verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/**
 * The `Authorization` header of a merchant request: SHA256withRSA over
 * `METHOD\nPATH?QUERY\ntimestamp\nnonce\nbody\n` with the merchant's API key.
 */
export function wechatAuthorization(
  input: { method: string; path: string; body: string },
  merchant: { mchId: string; certSerial: string; privateKey: string },
  now = new Date(),
  nonce = randomBytes(16).toString('hex'),
): string {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const message = `${input.method}\n${input.path}\n${timestamp}\n${nonce}\n${input.body}\n`;
  const signature = createSign('RSA-SHA256').update(message).sign(merchant.privateKey, 'base64');
  return `WECHATPAY2-SHA256-RSA2048 mchid="${merchant.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchant.certSerial}"`;
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
}

/**
 * AEAD_AES_256_GCM with the APIv3 key: IV = nonce, AAD = associated_data, the last 16 bytes of the
 * ciphertext are the tag. The cipher follows the key length, so the 16-byte key of WeChat Pay's Go
 * SDK test vector decrypts as AES-128-GCM; production keys are 32 bytes.
 */
export function decryptWechatResource(resource: EncryptedResource, apiV3Key: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv(
    key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm',
    key,
    Buffer.from(resource.nonce, 'utf8'),
  );
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}
