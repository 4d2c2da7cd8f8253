import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import type { Conn } from '../../../platform/db/database.js';

export const WAKE_CHANNEL = 'ordersync_relay';

/** Wakes relays in this process (PGlite has no cross-process LISTEN; in-process is all there is). */
export const relaySignal = new EventEmitter();
relaySignal.setMaxListeners(0);

/**
 * Asks every relay to look for work now: after a retry, a replay, a resume or a new subscription.
 * Inside the caller's transaction, so it is sent at commit, never for work that rolled back. Only
 * operations do this; order transactions do not (a NOTIFY serializes commits on a global lock).
 */
export async function wakeRelays(conn: Conn): Promise<void> {
  await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(conn);
  // In-process relays are told after the commit has had a moment to land.
  setTimeout(() => relaySignal.emit('wake'), 5);
}

/**
 * LISTENs on a dedicated PostgreSQL connection and calls `onWake` per notification; reconnects with
 * backoff if the connection drops. Relays poll anyway, so a lost notification only costs latency.
 */
export function listenForWakeups(
  connection: pg.ClientConfig,
  onWake: () => void,
  log: FastifyBaseLogger,
): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const open = async () => {
    const c = new pg.Client(connection);
    client = c;
    c.on('notification', () => onWake());
    c.on('error', () => {});
    c.on('end', () => {
      if (closed || client !== c) return;
      client = undefined;
      retry();
    });
    try {
      await c.connect();
      await c.query(`listen ${WAKE_CHANNEL}`);
      failures = 0;
    } catch (error) {
      log.debug({ err: error }, 'relay LISTEN connection failed; relays keep polling');
      c.end().catch(() => {});
      if (client === c) {
        client = undefined;
        retry();
      }
    }
  };
  const retry = () => {
    if (closed || timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        void open();
      },
      Math.min(30_000, 250 * 2 ** failures++),
    );
  };
  void open();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
