import net from 'node:net';
import type { Config } from './config.js';

/** A start that cannot go on, told in one line a person can act on (no stack). */
export class StartupProblem extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupProblem';
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
]);

/** The error's code, looking inside the AggregateError Node gives when every address of a host failed. */
function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[] } | undefined;
  if (typeof e?.code === 'string') return e.code;
  return e?.errors?.length ? codeOf(e.errors[0]) : undefined;
}

/** The URL without its password, to name in a message. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}

function listenProblem(code: string | undefined, config: Config): string | undefined {
  const where = `port ${config.port} on ${config.host}`;
  if (code === 'EADDRINUSE')
    return `Cannot listen on ${where}: it is already in use. Stop what is using it, or set PORT to another port.`;
  if (code === 'EACCES')
    return `Cannot listen on ${where}: not allowed (ports below 1024 need privileges). Set PORT to another port.`;
  if (code === 'EADDRNOTAVAIL')
    return `Cannot listen on ${where}: ${config.host} is not an address of this machine. Set HOST.`;
  return undefined;
}

/**
 * One line for what commonly stops a start: the port (taken, not allowed, not ours) or the database
 * (unreachable, refusing the login, missing). Undefined for anything else, which keeps its stack.
 */
export function explainStartupError(error: unknown, config: Config): string | undefined {
  if (error instanceof StartupProblem) return error.message;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const syscall = (error as { syscall?: string } | undefined)?.syscall;
  if (syscall === 'listen' || code === 'EADDRINUSE') {
    const line = listenProblem(code, config);
    if (line) return line;
  }
  if (!config.databaseUrl) return undefined;
  const database = `PostgreSQL at ${withoutPassword(config.databaseUrl)}`;
  if (code && UNREACHABLE.has(code))
    return `Cannot reach ${database} (${code}): is it running? Check DATABASE_URL.`;
  // SQLSTATE classes 08 (connection), 28 (authorization) and 3D (no such database).
  if (code && /^(08|28|3D)[0-9A-Z]{3}$/.test(code))
    return `${database} refused the connection: ${message}. Check DATABASE_URL.`;
  return undefined;
}

/**
 * Tries the port before anything else happens, so a second `npm start` next to a running one stops
 * before it opens the running one's embedded database or creates anything. (Listening itself can
 * still lose a race; serve reports that the same way.)
 */
export async function assertPortFree(config: Config): Promise<void> {
  if (config.port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error) =>
      reject(new StartupProblem(explainStartupError(error, config) ?? error.message)),
    );
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () =>
      probe.close(() => resolve()),
    );
  });
}
