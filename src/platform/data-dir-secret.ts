import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A secret of the embedded demo, made once in its data directory (32 random bytes as hex, readable by
 * its owner only) and read on later starts, so what was signed or sealed before a restart still
 * opens, and nobody outside this machine can know it.
 */
export function ensureDataDirSecret(dataDir: string, fileName: string): string {
  const file = path.join(dataDir, fileName);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    // wx: never overwrite one another process wrote first
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
