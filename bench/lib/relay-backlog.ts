import pg from 'pg';
import { fmt } from './load.js';

export interface RelayBacklog {
  /** Events not yet fanned out and consumer deliveries not yet delivered when the load stopped. */
  events: number;
  /** How long they took to drain (or the 2 min given up after). */
  ms: number;
  /** Those still waiting after 2 min: 0 when drained. */
  left: number;
}

/**
 * Waits until the relay and consumers have done what the load left them (2 min at most): a bench that
 * stops at the end of its load would otherwise leave a lagging relay's work uncounted.
 */
export async function relayBacklog(url: string): Promise<RelayBacklog> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const t0 = performance.now();
    const waiting = async () =>
      Number(
        (
          await db.query(`select (select count(*) from outbox_pending) + (select count(*) from deliveries d
            join subscriptions s on s.id = d.subscription_id
            where s.transport = 'consumer' and d.status = 'pending') as n`)
        ).rows[0].n,
      );
    const events = await waiting();
    const deadline = Date.now() + 120_000;
    let left = events;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 50));
      left = await waiting();
    }
    return { events, ms: performance.now() - t0, left };
  } finally {
    await db.end();
  }
}

/** The line a bench prints of it. */
export const describeBacklog = (b: RelayBacklog) =>
  `relay backlog when the load stopped: ${b.events} events, ` +
  (b.left === 0 ? `drained in ${fmt(b.ms)} ms` : `${b.left} still waiting after ${fmt(b.ms)} ms`);
