import { afterEach, describe, expect, it } from 'vitest';
import { orderBody, stockedSku } from '../../../test/helpers/factories.js';
import {
  createSubscription,
  expectAppliedInOrder,
  outboxEvents,
  type ReceivedEvent,
  startReceiver,
  startRelay,
  testSyncConfig,
  waitFor,
  webhookTransport,
  withSync,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { newId } from '../../platform/ids.js';
import type { Relay } from './relay/relay.js';

// The in-process relay against a local receiver that verifies with the `standardwebhooks` package: on
// PGlite (the embedded default) and on PostgreSQL alike.
describe('webhook delivery', () => {
  const t = useTestApp(withSync());
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function relay(overrides: Parameters<typeof testSyncConfig>[0] = {}): Relay {
    const config = testSyncConfig(overrides);
    const r = startRelay(t().db, config, {
      webhook: webhookTransport(config),
    });
    cleanups.push(() => r.stop());
    return r;
  }

  async function receiver(behave?: (e: ReceivedEvent) => 'ok' | 'fail' | 'timeout') {
    let secret: string | undefined;
    const r = await startReceiver({ secret: () => secret, behave });
    cleanups.push(r.close);
    return { ...r, setSecret: (s: string) => (secret = s) };
  }

  async function subscribe(url: string, eventTypes = ['*']) {
    return createSubscription(t(), { name: `test ${newId()}`, transport: 'webhook', url, eventTypes });
  }

  async function deliveries(subscription: string, status?: string) {
    const res = await t().request({
      method: 'GET',
      url: `/v1/deliveries?subscription=${subscription}&limit=200${status ? `&status=${status}` : ''}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Array<{
      id: string;
      status: string;
      attempts: number;
      subject: string;
      lastError: string | null;
    }>;
  }

  it('delivers real order events as signed CloudEvents, each order in sequence', async () => {
    const rx = await receiver();
    const sub = await subscribe(rx.url, ['order.*']);
    rx.setSecret(sub.secret!);
    relay();
    const item = await stockedSku(t(), 1000);
    const orders: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }]),
      });
      expect(res.statusCode, res.body).toBe(201);
      orders.push(res.json().id);
      if (i % 2 === 0) {
        const cancel = await t().request({
          method: 'POST',
          url: `/v1/orders/${res.json().id}/cancel`,
          payload: {},
        });
        expect(cancel.statusCode, cancel.body).toBe(200);
      }
    }
    const expected = (await outboxEvents(t(), orders)).filter((e) =>
      e.type.startsWith('com.ordersync.order.'),
    );
    await waitFor(() => expected.every((e) => rx.accepted.some((a) => a.id === e.id)), {
      message: 'all order events',
    });
    expect(rx.badSignatures()).toBe(0);
    const applied = expectAppliedInOrder(rx.accepted);
    for (const order of orders) expect(applied.get(order)?.[0]).toBe(1);
    expect(rx.accepted.every((e) => e.type.startsWith('com.ordersync.order.'))).toBe(true);
    await waitFor(async () => (await deliveries(sub.id, 'pending')).length === 0, {
      message: 'all marked delivered',
    });
  });

  it('gets everything through a receiver that fails half the first attempts and sometimes hangs, in order per order', async () => {
    // A fixed pattern rather than Math.random, so the run's length is bounded: about half of the
    // first attempts fail, one in six hangs past the timeout, and a third fail again on the retry.
    const attempts = new Map<string, number>();
    const rx = await receiver((e) => {
      const n = (attempts.get(e.id) ?? 0) + 1;
      attempts.set(e.id, n);
      if (n === 1) return e.sequence % 6 === 0 ? 'timeout' : e.sequence % 2 === 1 ? 'fail' : 'ok';
      if (n === 2) return e.sequence % 3 === 0 ? 'fail' : 'ok';
      return 'ok';
    });
    const sub = await subscribe(rx.url);
    rx.setSecret(sub.secret!);
    relay({ webhookTimeoutMs: 300 });
    const subjects = Array.from({ length: 8 }, () => newId());
    await Promise.all(subjects.map((s) => writeEvents(t().db, s, 12, 3)));
    const expected = await outboxEvents(t(), subjects);
    expect(expected).toHaveLength(96);
    await waitFor(() => expected.every((e) => rx.accepted.some((a) => a.id === e.id)), {
      timeoutMs: 40_000,
      message: 'every event accepted',
    });
    const applied = expectAppliedInOrder(rx.accepted);
    for (const s of subjects) expect(applied.get(s)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Also in order counting every receipt, not just accepted ones: a later event never went out
    // before an earlier one of its order had been taken.
    expectAppliedInOrder(rx.received.filter((e) => rx.accepted.some((a) => a.id === e.id)));
    expect(rx.received.length).toBeGreaterThan(rx.accepted.length);
    expect(rx.badSignatures()).toBe(0);
  }, 60_000);

  it('holds back only the later events of the failing order, for that subscription only', async () => {
    const stuck = newId();
    const flowing = newId();
    const picky = await receiver((e) => (e.subject === stuck ? 'fail' : 'ok'));
    const happy = await receiver();
    const a = await subscribe(picky.url);
    const b = await subscribe(happy.url);
    picky.setSecret(a.secret!);
    happy.setSecret(b.secret!);
    relay({ retryScale: 1e-4 });
    await writeEvents(t().db, stuck, 3);
    await writeEvents(t().db, flowing, 3);
    await waitFor(() => picky.accepted.filter((e) => e.subject === flowing).length === 3, {
      message: 'other order',
    });
    await waitFor(() => happy.accepted.length === 6, { message: 'other subscription' });
    // The stuck order's first event is retried; its later events never went out.
    expect(picky.received.filter((e) => e.subject === stuck).every((e) => e.sequence === 1)).toBe(true);
    const open = (await deliveries(a.id)).filter((d) => d.subject === stuck);
    expect(open.map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('sends an always-failing endpoint to the dead letters after the schedule, then delivers on retry', async () => {
    let failing = true;
    const rx = await receiver(() => (failing ? 'fail' : 'ok'));
    const sub = await subscribe(rx.url);
    rx.setSecret(sub.secret!);
    relay();
    const subject = newId();
    await writeEvents(t().db, subject, 2);
    const dead = await waitFor(
      async () => {
        const list = await deliveries(sub.id, 'dead');
        return list.length === 1 ? list : undefined;
      },
      { timeoutMs: 30_000, message: 'the first event in the dead letters' },
    );
    expect(dead[0]).toMatchObject({ attempts: 12, lastError: expect.stringContaining('503') });
    // Its order's next event waits behind it, untried.
    expect(rx.received.every((e) => e.sequence === 1)).toBe(true);
    expect(rx.received).toHaveLength(12);

    failing = false;
    const retried = await t().request({ method: 'POST', url: `/v1/deliveries/${dead[0]!.id}/retry` });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await waitFor(() => rx.accepted.length === 2, { message: 'both delivered after the retry' });
    expect(rx.accepted.map((e) => e.sequence)).toEqual([1, 2]);
    const again = await t().request({ method: 'POST', url: `/v1/deliveries/${dead[0]!.id}/retry` });
    expect(again.statusCode).toBe(409);
  }, 45_000);

  it('disables an endpoint that fails for a long stretch, records the event, and resumes', async () => {
    let failing = true;
    const rx = await receiver(() => (failing ? 'fail' : 'ok'));
    const sub = await subscribe(rx.url);
    rx.setSecret(sub.secret!);
    relay({ disableAfterSeconds: 1, retryScale: 2e-5 });
    await writeEvents(t().db, newId(), 1);
    const disabled = await waitFor(
      async () => {
        const res = await t().request({ method: 'GET', url: `/v1/subscriptions/${sub.id}` });
        return res.json().status === 'disabled' ? res.json() : undefined;
      },
      { timeoutMs: 20_000, message: 'the subscription disabled' },
    );
    expect(disabled.disabledReason).toMatch(/failed for 1 s/);
    // Straight from the outbox: the feed's xmin cut may hold a fresh event back while any transaction
    // in the cluster (other test files) is older than it.
    const written = await t()
      .db.selectFrom('outbox')
      .select(['type', 'source', 'sequence', 'data'])
      .where('subject', '=', sub.id)
      .execute();
    expect(written).toEqual([
      expect.objectContaining({
        type: 'com.ordersync.subscription.disabled',
        source: '/ordersync/sync',
        sequence: 1,
        data: expect.objectContaining({
          subscription: expect.objectContaining({ id: sub.id, transport: 'webhook' }),
        }),
      }),
    ]);

    failing = false;
    const resumed = await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/resume` });
    expect(resumed.json()).toMatchObject({ status: 'active', disabledReason: null, failingSince: null });
    // Its own disabled event was waiting for it too.
    await waitFor(() => rx.accepted.some((e) => e.type === 'com.ordersync.subscription.disabled'), {
      message: 'delivery after resume',
    });
  }, 30_000);

  it('pauses, resumes, replays from an event, and signs with both secrets during a rotation', async () => {
    let secret: string | undefined;
    const rx = await startReceiver({ secret: () => secret });
    cleanups.push(rx.close);
    // Events earlier tests left waiting (the last one's resume, say) go out first, to their own
    // subscriptions: a new subscription takes every event still waiting, and this one must see only its own.
    relay();
    await waitFor(
      async () =>
        (await t().db.selectFrom('outbox_pending').select('position').limit(1).execute()).length === 0,
      { message: 'earlier events fanned out' },
    );
    const sub = await subscribe(rx.url);
    secret = sub.secret!;
    const subject = newId();

    await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/pause` });
    await writeEvents(t().db, subject, 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.received).toHaveLength(0);
    // Parked while paused: waiting, with no due time, out of the claim's way.
    const parked = await t().request({ method: 'GET', url: `/v1/deliveries?subscription=${sub.id}` });
    expect(
      parked
        .json()
        .data.map((d: { status: string; nextAttemptAt: string | null }) => [d.status, d.nextAttemptAt]),
    ).toEqual([
      ['pending', null],
      ['pending', null],
      ['pending', null],
    ]);
    await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/resume` });
    await waitFor(() => rx.accepted.length === 3, { message: 'delivery after resume' });

    const events = await outboxEvents(t(), [subject]);
    const replay = await t().request({
      method: 'POST',
      url: `/v1/subscriptions/${sub.id}/replay`,
      payload: { from: events[1]!.id },
    });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json().replayed).toBe(2);
    await waitFor(() => rx.accepted.length === 5, { message: 'replayed events' });
    expect(rx.accepted.slice(3).map((e) => e.sequence)).toEqual([2, 3]);

    const rotated = await t().request({
      method: 'POST',
      url: `/v1/subscriptions/${sub.id}/rotate-secret`,
      payload: { previousValidForSeconds: 3600 },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(sub.secret);
    // The receiver still on the old secret verifies: each request carries a signature per secret.
    await writeEvents(t().db, subject, 1);
    await waitFor(() => rx.accepted.length === 6, { message: 'verified with the old secret' });
    secret = rotated.json().secret;
    await writeEvents(t().db, subject, 1);
    await waitFor(() => rx.accepted.length === 7, { message: 'verified with the new secret' });
    expect(rx.badSignatures()).toBe(0);
  });
});
