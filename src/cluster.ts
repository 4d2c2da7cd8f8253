import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import type { Config } from './platform/config.js';
import { privateLogOptions } from './platform/privacy/private-logging.js';

/**
 * API_PROCESSES > 1: this (primary) process forks that many `serve` processes sharing one port; the
 * primary hands each new connection to the next process. Node runs a process's JavaScript on one core,
 * so this is how one machine's cores all serve HTTP. The processes coordinate only through the
 * database, Redis and the brokers, exactly as separate machines would.
 *
 * A process that dies is replaced; SIGTERM/SIGINT stop them all. Resolves with the URL once every
 * process listens.
 */
export async function superviseApiProcesses(config: Config): Promise<{ url: string }> {
  let stopping = false;
  let port = config.port;
  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const child = cluster.fork();
      let listening = false;
      child.once('listening', (address) => {
        listening = true;
        port = address.port; // PORT=0: the one port the primary chose for all of them
        resolve(child);
      });
      child.once('exit', (code, signal) => {
        if (stopping) return;
        // One that never listened fails start-up (bad config, port taken); a serving one is replaced.
        if (!listening)
          return reject(new Error(`an API process exited (${code ?? signal}) before it listened`));
        console.error(`API process ${child.process.pid} exited (${code ?? signal}); starting another`);
        void fork().catch((error: Error) => console.error(error.message));
      });
    });

  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of Object.values(cluster.workers ?? {})) child?.process.kill(signal);
    cluster.once('exit', function waitAll() {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      else cluster.once('exit', waitAll);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));

  try {
    await Promise.all(Array.from({ length: config.apiProcesses }, fork));
  } catch (error) {
    // Start-up failed: take the others down too rather than leave them serving without a primary.
    stopping = true;
    for (const child of Object.values(cluster.workers ?? {})) child?.process.kill('SIGTERM');
    throw error;
  }
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  pino(privateLogOptions(config.logLevel)).info(
    { processes: config.apiProcesses, url },
    'API processes listening',
  );
  return { url };
}
