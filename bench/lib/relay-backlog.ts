import pg from 'pg';

/**
 * Events not yet fanned out and consumer deliveries not yet delivered; waits until both are none (2 min at
 * most): a bench that stops at the end of its load would otherwise leave a lagging relay's work uncounted.
 */
export async function relayBacklog(url: string): Promise<{ events: number; ms: number }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const t0 = performance.now();
    const left = async () =>
      Number(
        (
          await db.query(`select (select count(*) from outbox_pending) + (select count(*) from deliveries d
            join subscriptions s on s.id = d.subscription_id
            where s.transport = 'consumer' and d.status = 'pending') as n`)
        ).rows[0].n,
      );
    const events = await left();
    const deadline = Date.now() + 120_000;
    while ((await left()) > 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    return { events, ms: performance.now() - t0 };
  } finally {
    await db.end();
  }
}
