import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { orderBody, stockedSku } from '../../../test/helpers/factories.js';
import {
  createSubscription,
  expectAppliedInOrder,
  outboxEvents,
  startReceiver,
  waitFor,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { type TestApp, useTestApp } from '../../../test/helpers/test-app.js';
import { schemaUrl, WorkerProcess } from '../../../test/helpers/worker-process.js';
import { newId } from '../../platform/ids.js';
import { WAKE_CHANNEL } from './relay/wakeup.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (min: number, max: number) => min + Math.random() * (max - min);

/**
 * Crash safety with real processes: `ordersync worker` relays run as child processes against this
 * file's PostgreSQL schema while orders are placed, and get `kill -9`ed at random moments and
 * restarted. A receiver that records every request must see every event at least once and, applying
 * each the first time it arrives, every order's events in strictly increasing sequence with no gap.
 */
describe.skipIf(onPglite)(
  'relay crash safety (worker processes; PostgreSQL only: PGlite cannot be shared by processes)',
  () => {
    const t = useTestApp();
    const workers: WorkerProcess[] = [];
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      for (const c of closers.splice(0)) await c();
    });

    /** `ordersync worker` on this file's schema, started; `env` replaces the relay settings below. */
    async function worker(env: Record<string, string> = {}): Promise<WorkerProcess> {
      const w = new WorkerProcess({
        DATABASE_URL: schemaUrl(t().database.schema),
        DATABASE_POOL_SIZE: '4',
        RELAY_POLL_INTERVAL_MS: '20',
        RELAY_LEASE_MS: '1500',
        RELAY_RETRY_SCALE: '0.00001',
        RELAY_BATCH_SIZE: '50',
        SCHEDULER_INTERVAL_MS: '3600000',
        ...env,
      });
      workers.push(w);
      await w.start();
      return w;
    }

    /** Orders placed through the API (half of them cancelled), and a burst of events on one more order. */
    async function trafficRound(app: TestApp, sku: string): Promise<string[]> {
      const placed = await Promise.all(
        Array.from({ length: 4 }, () =>
          app.request({ method: 'POST', url: '/v1/orders', payload: orderBody([{ sku, quantity: 1 }]) }),
        ),
      );
      const subjects = placed.map((res) => {
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      });
      await Promise.all(
        subjects
          .filter((_, i) => i % 2 === 0)
          .map((id) => app.request({ method: 'POST', url: `/v1/orders/${id}/cancel`, payload: {} })),
      );
      const burst = newId();
      await writeEvents(app.db, burst, 6, 2);
      await sleep(between(10, 50));
      return [...subjects, burst];
    }

    /** A receiver and a webhook subscription of every event to it, both gone after the test. */
    async function receiving(name: string, behave?: Parameters<typeof startReceiver>[0]['behave']) {
      let secret: string | undefined;
      const rx = await startReceiver({ secret: () => secret, ...(behave ? { behave } : {}) });
      closers.push(rx.close);
      const sub = await createSubscription(t(), {
        name,
        transport: 'webhook',
        url: rx.url,
        eventTypes: ['*'],
      });
      secret = sub.secret!;
      closers.push(async () => {
        await t().request({ method: 'DELETE', url: `/v1/subscriptions/${sub.id}` });
      });
      return rx;
    }

    async function run(relays: number, killsWanted: number) {
      const rx = await receiving('crash test');

      const fleet = await Promise.all(Array.from({ length: relays }, () => worker()));
      const victim = fleet[0]!;
      // Traffic runs until the victim has been killed enough times, each kill at a random moment while
      // deliveries flow (not while it is still starting: on a slow machine that took longer than the
      // pause before the first kill, which then landed before anything had been sent).
      let kills = 0;
      const distinctReceived = () => new Set(rx.accepted.map((e) => e.id)).size;
      // Distinct events received when each kill landed.
      const receivedAtKills: number[] = [];
      const killer = (async () => {
        while (kills < killsWanted) {
          const before = distinctReceived();
          await waitFor(() => distinctReceived() > before, {
            timeoutMs: 30_000,
            message: 'deliveries flowing before a kill',
          });
          await sleep(between(0, 500));
          await victim.kill();
          kills++;
          receivedAtKills.push(distinctReceived());
          await sleep(between(0, 200));
          await victim.start();
        }
      })();
      // a killer that gave up stops the traffic too; awaiting it below says why
      killer.catch(() => {
        kills = killsWanted;
      });
      const subjects: string[] = [];
      const item = await stockedSku(t(), 100_000);
      while (kills < killsWanted) subjects.push(...(await trafficRound(t(), item.sku)));
      await killer;
      const expected = await outboxEvents(t(), subjects);
      const missing = () => {
        const got = new Set(rx.accepted.map((e) => e.id));
        return expected.filter((e) => !got.has(e.id));
      };
      await waitFor(() => missing().length === 0, {
        timeoutMs: 30_000,
        message: 'every event received',
      }).catch((error) => {
        throw new Error(`${(error as Error).message}: ${missing().length} of ${expected.length} missing`);
      });
      const applied = expectAppliedInOrder(rx.accepted);
      const perSubject = new Map<string, number>();
      for (const e of expected) perSubject.set(e.subject, (perSubject.get(e.subject) ?? 0) + 1);
      for (const [subject, count] of perSubject) {
        expect(applied.get(subject), subject).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      }
      expect(rx.badSignatures()).toBe(0);
      // A kill landed while deliveries were flowing: after some had arrived, before all of them.
      expect(
        receivedAtKills.some((n) => n > 0 && n < expected.length),
        String(receivedAtKills),
      ).toBe(true);
      return { events: expected.length, received: rx.accepted.length, kills };
    }

    it('loses nothing and keeps every order in sequence while its one relay is killed and restarted', async () => {
      const r = await run(1, 3);
      expect(r.received).toBeGreaterThanOrEqual(r.events);
    }, 90_000);

    it('loses nothing with two relays, one of them killed again and again', async () => {
      const r = await run(2, 2);
      expect(r.received).toBeGreaterThanOrEqual(r.events);
    }, 90_000);

    it('keeps going when woken while all its rounds are in flight (it used to spin, never reading a reply)', async () => {
      // Every webhook is held unanswered until `answering`: each round (one event: batch size 1)
      // stays in flight, so eight of them fill the relay. A wake then (another process's NOTIFY)
      // used to set the relay looping on resolved promises: it starved its own I/O and stalled.
      let answering = false;
      const rx = await receiving('full rounds', () => (answering ? 'ok' : 'timeout'));
      await worker({ RELAY_LEASE_MS: '10000', RELAY_BATCH_SIZE: '1', WEBHOOK_TIMEOUT_MS: '2000' });
      const subjects = Array.from({ length: 10 }, () => newId());
      for (const subject of subjects) await writeEvents(t().db, subject, 1);
      await waitFor(() => new Set(rx.received.map((e) => e.subject)).size >= 8, {
        message: 'eight rounds in flight',
      });
      await sql`select pg_notify(${WAKE_CHANNEL}, '')`.execute(t().db);
      await sleep(100);
      answering = true;
      const expected = await outboxEvents(t(), subjects);
      await waitFor(() => expected.every((e) => rx.accepted.some((a) => a.id === e.id)), {
        timeoutMs: 20_000,
        message: 'every event delivered after the held ones timed out',
      });
    }, 60_000);
  },
);
