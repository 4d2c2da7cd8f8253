import { createHmac } from 'node:crypto';
import { ensureDataDirSecret } from './data-dir-secret.js';

/**
 * Keyed pseudonyms of personal values (an e-mail, an identity number) kept where a count must follow
 * a person without holding who they are: HMAC-SHA256 under PSEUDONYM_KEY, so a dictionary of e-mails
 * or phones cannot reverse them as it reverses a plain SHA-256.
 */
export const pseudonym = (key: string, value: string): string =>
  createHmac('sha256', key).update(value).digest('hex');

/** Reads PSEUDONYM_KEY (absent: undefined; too short to be a secret: a problem). */
export function readPseudonymKey(env: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const raw = env.PSEUDONYM_KEY || undefined;
  if (raw !== undefined && raw.length < 32) {
    problems.push('PSEUDONYM_KEY: must be at least 32 characters (e.g. 64 random hex digits)');
    return undefined;
  }
  return raw;
}

/**
 * The embedded demo's pseudonym key when PSEUDONYM_KEY is not set: made once per data directory, as
 * the channel secrets key. With DATABASE_URL nothing is made (every process must use the same key):
 * what needs a pseudonym is then refused with a problem naming the setting.
 */
export function ensurePseudonymKey<
  C extends { dataDir: string; databaseUrl: string | undefined; pseudonymKey: string | undefined },
>(config: C): C {
  if (config.pseudonymKey || config.databaseUrl) return config;
  return { ...config, pseudonymKey: ensureDataDirSecret(config.dataDir, 'pseudonym-key') };
}
