/**
 * Builds the console into web/dist. With --if-stale (what `npm start` and `npm test` run first) it
 * builds only when a source is newer than the last build, so a start without changes costs nothing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const web = fileURLToPath(new URL('..', import.meta.url));
const output = join(web, 'dist/index.html');
// The generated API types do not reach the bundle (types only), so they do not make a build stale.
const SKIP = new Set(['schema.d.ts', 'node_modules', 'dist']);

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path))
    if (!SKIP.has(entry)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', '../package-lock.json'].map((p) =>
  join(web, p),
);
const stale =
  !existsSync(output) || Math.max(...sources.filter(existsSync).map(newest)) > statSync(output).mtimeMs;

if (process.argv.includes('--if-stale') && !stale) {
  console.log('console: web/dist is up to date');
} else {
  await build({ root: web, logLevel: 'warn' });
  console.log('console: built into web/dist');
}
