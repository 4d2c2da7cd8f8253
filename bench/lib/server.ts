import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface BenchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `ordersync start` in its own process, so the load generator does not share its event loop. */
export async function startServer(
  env: Record<string, string>,
  port: number,
  nodeArgs: string[] = [],
  /** The compiled CLI (bin/server-build.js) to run instead of the TypeScript one through tsx. */
  compiledCli?: string,
): Promise<BenchServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server under load.
    [
      ...nodeArgs,
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(compiledCli ? [compiledCli] : ['--import', import.meta.resolve('tsx'), cli]),
      'start',
    ],
    {
      // No wrong-key limit: the probes below are 401s until the key is registered, and on a busy
      // machine 20 of them (the limit a minute) locked the bench out of its own server.
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        AUTH_FAILURES_PER_ADDRESS: '0',
        // the benches count their own orders; the demo's would be counted with them
        DEMO_ORDERS: 'false',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  // PGlite's first start migrates in process: minutes when the machine is shared.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM'); // not left behind holding the port
      throw new Error('server did not start within 180 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // The server registers ORDERSYNC_ADMIN_KEY just after it answers /healthz: wait until the key works.
  const adminKey = env.ORDERSYNC_ADMIN_KEY;
  if (adminKey) {
    await waitForAdminKey(url, adminKey, { deadline }).catch((error) => {
      child.kill('SIGTERM');
      throw error;
    });
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Polls `GET /v1/whoami` with the admin key (about once a second) until it answers 200. Anything else
 * — a 401 before the key is registered, a 429 from the rate limits of a server just started, a
 * refused connection — means "not yet", until the deadline, when the error says what it last saw.
 */
export async function waitForAdminKey(
  url: string,
  adminKey: string,
  options: { deadline?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = options.deadline ?? Date.now() + 60_000;
  const intervalMs = options.intervalMs ?? 1000;
  let last = 'no answer yet';
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${adminKey}` } });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`the admin key did not work by the deadline: GET ${url}/v1/whoami last gave ${last}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
