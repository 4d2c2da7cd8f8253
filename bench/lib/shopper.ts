import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A shopper browsing the catalog from a process of their own, as a real one does from their own
 * machine: `GET path` every `pauseMs` until stopped, then the latencies. Reading from the load
 * generator's process instead would add its busy event loop to every figure.
 */
export interface Shopper {
  stop(): Promise<number[]>;
}

export async function startShopper(url: string, key: string, pauseMs: number): Promise<Shopper> {
  const child = fork(fileURLToPath(import.meta.url), ['shop', url, key, String(pauseMs)], {
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`shopper exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise<number[]>((resolve) => {
        child.once('message', (latencies) => resolve(latencies as number[]));
        child.send('stop');
      }),
  };
}

if (process.argv[2] === 'shop' && process.send) {
  const [, , , url, key, pause] = process.argv;
  let browsing = true;
  process.once('message', () => {
    browsing = false;
  });
  const read = async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/products?limit=20`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    return res.ok ? performance.now() - t0 : undefined;
  };
  // The shopper has the page open before the sale starts. (The bench adds the sale's product just
  // before, which empties the server's page cache; a real shop's catalog is written hours before.)
  await read();
  process.send('ready');
  const latencies: number[] = [];
  while (browsing) {
    const ms = await read();
    if (ms !== undefined) latencies.push(ms);
    await new Promise((r) => setTimeout(r, Number(pause)));
  }
  process.send(latencies, () => process.exit(0));
}
