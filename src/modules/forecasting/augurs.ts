import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, MSTL } from '@bsull/augurs/mstl';

// augurs is Rust compiled to WASM; its default loader fetches the .wasm by URL, which Node cannot do
// for a file, so the bytes are read from the installed package and compiled once, synchronously.
let ready = false;

/** MSTL (seasonal-trend decomposition, one STL per season) with an AutoETS model of what remains. */
export function mstl(periods: number[]): MSTL {
  if (!ready) {
    const wasm = createRequire(import.meta.url)
      .resolve('@bsull/augurs/mstl')
      .replace(/\.js$/, '_bg.wasm');
    initSync({ module: readFileSync(wasm) });
    ready = true;
  }
  return MSTL.ets(periods, {});
}
