import { ensureDataDirSecret } from './data-dir-secret.js';

/** CHANNEL_SECRETS_KEY: 32 bytes, written as 64 hex digits or as base64. */
export function parseChannelSecretsKey(raw: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  const key = Buffer.from(raw, 'base64');
  // Buffer.from skips what is not base64: only a string that round-trips was base64
  return key.length === 32 && key.toString('base64') === raw ? key : undefined;
}

/** Reads CHANNEL_SECRETS_KEY (absent: undefined; malformed: a problem). */
export function readChannelSecretsKey(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const raw = env.CHANNEL_SECRETS_KEY || undefined;
  if (raw !== undefined && !parseChannelSecretsKey(raw)) {
    problems.push('CHANNEL_SECRETS_KEY: expected 32 bytes as 64 hex digits or base64');
    return undefined;
  }
  return raw;
}

/**
 * The embedded demo's channel secrets key when CHANNEL_SECRETS_KEY is not set: made once per data
 * directory (random, owner-readable only), like the sandbox payment secret. With DATABASE_URL there
 * is no shared data directory, so nothing is made: the channels module then refuses to store secrets
 * until the key is set (several processes must decrypt with the same key).
 */
export function ensureChannelSecretsKey<
  C extends { dataDir: string; databaseUrl: string | undefined; channelSecretsKey: string | undefined },
>(config: C): C {
  if (config.channelSecretsKey || config.databaseUrl) return config;
  const key = ensureDataDirSecret(config.dataDir, 'channel-secrets-key');
  if (!parseChannelSecretsKey(key))
    throw new Error(`${config.dataDir}/channel-secrets-key: expected 64 hex digits`);
  return { ...config, channelSecretsKey: key };
}
