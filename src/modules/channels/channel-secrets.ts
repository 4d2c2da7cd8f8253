import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseChannelSecretsKey } from '../../platform/channel-secrets-key.js';
import { AppError } from '../../platform/errors.js';

/**
 * AES-256-GCM under CHANNEL_SECRETS_KEY for what a channel account keeps secret. Stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url): a fresh 96-bit IV per value, the tag checked on read, and
 * the row's channel id as associated data, so a ciphertext copied onto another channel does not open.
 */
export class ChannelSecrets {
  readonly #key: Buffer | undefined;

  constructor(rawKey: string | undefined) {
    this.#key = rawKey ? parseChannelSecretsKey(rawKey) : undefined;
  }

  #require(): Buffer {
    if (!this.#key) {
      // a server setting, not the caller's mistake; 409 so that nothing is written without it
      throw new AppError(
        'conflict',
        'Channel secrets cannot be stored or read: CHANNEL_SECRETS_KEY is not set on this server',
      );
    }
    return this.#key;
  }

  seal(channelId: string, value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#require(), iv);
    cipher.setAAD(Buffer.from(channelId));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open<T>(channelId: string, sealed: string): T {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed channel secret');
    const decipher = createDecipheriv('aes-256-gcm', this.#require(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(channelId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(text.toString('utf8')) as T;
  }
}
