import { connect, DeliverPolicy, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSubscription,
  expectAppliedInOrder,
  NATS_URL,
  outboxEvents,
  quietLog,
  startRelay,
  testSyncConfig,
  uniq,
  waitFor,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { newId } from '../../platform/ids.js';
import type { Relay } from './relay/relay.js';
import { Brokers } from './transports/brokers.js';

// NATS JetStream on loopback. One stream may hold `ordersync.>`, so every run shares the default
// stream and reads back only its own orders' messages.
const sync = testSyncConfig({ natsUrl: NATS_URL });

interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  event: { id: string; type: string; subject: string; sequence: number; specversion: string };
}

describe('NATS JetStream transport', () => {
  const t = useTestApp({ sync });
  const brokers = new Brokers(sync, quietLog, `ordersync-test-${uniq()}`);
  let relay: Relay;
  let reader: NatsConnection;
  const seen: StreamMessage[] = [];

  beforeAll(async () => {
    relay = startRelay(t().db, sync, brokers.transports());
    await brokers.nats!.waitUntilReady(10_000);
    reader = await connect({ servers: NATS_URL.replace('nats://', '') });
    const consumer = await reader.jetstream().consumers.get(sync.natsStream, {
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - 1000).toISOString(),
    });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) {
        seen.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), event: m.json() });
      }
    })();
  });
  afterAll(async () => {
    await relay?.stop();
    await reader?.close();
    await brokers.close();
  });

  const ours = (subjects: string[]) => seen.filter((m) => subjects.includes(m.event.subject));

  it('publishes structured CloudEvents on ordersync.<type>, Nats-Msg-Id = event id, each order in sequence', async () => {
    await createSubscription(t(), { name: 'nats', transport: 'nats', eventTypes: ['order.*'] });
    const subjects = [newId(), newId()];
    await Promise.all(subjects.map((s) => writeEvents(t().db, s, 5, 2)));
    await waitFor(() => ours(subjects).length === 10, { message: 'ten messages on the stream' });
    const expected = await outboxEvents(t(), subjects);
    const got = ours(subjects);
    expect(new Set(got.map((m) => m.event.id))).toEqual(new Set(expected.map((e) => e.id)));
    for (const m of got) {
      expect(m.subject).toBe('ordersync.order.flagged');
      expect(m.msgId).toBe(m.event.id);
      expect(m.event).toMatchObject({ specversion: '1.0', type: 'com.ordersync.order.flagged' });
    }
    const applied = expectAppliedInOrder(got.map((m) => ({ ...m.event, at: 0 })));
    for (const s of subjects) expect(applied.get(s)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets the stream drop repeats: a replay publishes the same ids and the stream keeps one copy', async () => {
    const sub = await createSubscription(t(), { name: 'nats replay', transport: 'nats', eventTypes: ['*'] });
    const subject = newId();
    await writeEvents(t().db, subject, 3);
    await waitFor(() => ours([subject]).length === 3, { message: 'three messages' });
    const replay = await t().request({
      method: 'POST',
      url: `/v1/subscriptions/${sub.id}/replay`,
      payload: { from: 'beginning' },
    });
    expect(replay.json().replayed).toBeGreaterThanOrEqual(3);
    await waitFor(
      async () => {
        const open = await t()
          .db.selectFrom('deliveries')
          .select('id')
          .where('subscription_id', '=', sub.id)
          .where('status', '<>', 'delivered')
          .execute();
        return open.length === 0;
      },
      { message: 'the replay delivered' },
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(ours([subject])).toHaveLength(3);
  });

  it('/readyz reports NATS', async () => {
    const ready = await t().request({ method: 'GET', url: '/readyz', key: null });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json().checks).toContainEqual({ name: 'nats', ok: true });
  });
});
