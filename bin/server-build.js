// The server compiled to JavaScript (dist/), for `ordersync` to run with plain node: the TypeScript
// loader (tsx) runs in a thread of its own that holds 35–50 MB for the life of the process. Each file
// is transpiled on its own by esbuild (no bundling, same layout, so relative paths hold); types are
// checked by `npm run typecheck`, not here. Plain JavaScript: bin/ordersync.js loads it before any loader.
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = `${root}src`;
const dist = `${root}dist`;
const stamp = `${dist}/.built`;

/** The server's source files: TypeScript and the plain JavaScript it loads, tests left out. */
function sources() {
  return readdirSync(src, { recursive: true })
    .map(String)
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .map((f) => `${src}/${f}`);
}

/** The compiled CLI when dist/ is newer than every source file, or undefined. */
export function builtCli() {
  if (!existsSync(stamp)) return undefined;
  const built = statSync(stamp).mtimeMs;
  return sources().every((f) => statSync(f).mtimeMs <= built) ? `${dist}/cli.js` : undefined;
}

/** Compiles src/ into dist/ (about a second). */
export async function buildServer() {
  const { build } = await import('esbuild');
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints: sources(),
    outdir: dist,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return `${dist}/cli.js`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-stale') && builtCli()) process.exit(0);
  await buildServer();
}
