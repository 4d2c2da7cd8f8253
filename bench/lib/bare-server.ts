import { spawn } from 'node:child_process';
import type { BenchServer } from './server.js';

/**
 * A bare Fastify app in its own process that answers every POST /sold-out with a fixed 409 problem:
 * what the load generator reaches against a server doing nothing, to read the figures against.
 */
export async function startBareServer(port: number): Promise<BenchServer> {
  const script = `
    const { default: Fastify } = await import(${JSON.stringify(import.meta.resolve('fastify'))});
    const app = Fastify();
    const problem = { type: 'about:blank', title: 'Sold out', status: 409, code: 'sold_out' };
    app.post('/sold-out', async (_request, reply) => reply.code(409).type('application/problem+json').send(problem));
    await app.listen({ port: ${port}, host: '127.0.0.1' });
    console.log('up');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
