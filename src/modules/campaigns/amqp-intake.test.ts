import { connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { buy, campaign, settledTicket } from '../../../test/helpers/campaigns.js';
import { reservedUnits, stockedSku } from '../../../test/helpers/factories.js';
import { deleteBrokerObjects } from '../../../test/helpers/rabbitmq.js';
import { startRedisServer } from '../../../test/helpers/redis-server.js';
import { AMQP_URL, quietLog, testSyncConfig, uniq, waitFor } from '../../../test/helpers/sync.js';
import { expectProblem, type TestApp, useTestApp } from '../../../test/helpers/test-app.js';
import type { Config } from '../../platform/config.js';
import { connectRedis } from '../../platform/redis.js';
import type { SyncConfig } from '../../platform/sync-config.js';
import { Brokers } from '../sync/index.js';
import { FlashGate } from './flash-gate.js';
import { startCampaignIntake } from './index.js';

/** Config for an app whose queued intake is the RabbitMQ queue `queue`. */
const amqpIntake = (queue: string, more: Partial<Config> = {}, sync: Partial<SyncConfig> = {}) => ({
  intake: 'amqp' as const,
  intakeAmqpQueue: queue,
  sync: testSyncConfig({ amqpUrl: AMQP_URL, ...sync }),
  ...more,
});

const intakeState = (t: TestApp) => t.request({ method: 'GET', url: '/v1/campaigns/intake' });

/** The intake endpoint answers once the process can publish. */
const intakeReady = (t: TestApp) =>
  waitFor(async () => (await intakeState(t)).statusCode === 200, { message: 'the intake to connect' });

async function ticketStatuses(t: TestApp, campaignId: string) {
  const rows = await t.db
    .selectFrom('intake_tickets')
    .select('status')
    .where('campaign_id', '=', campaignId)
    .execute();
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** What a worker that died before its ack leaves behind: the same message delivered again. */
async function publishAgain(queue: string, ticketId: string): Promise<void> {
  const connection = await connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  channel.sendToQueue(queue, Buffer.from(JSON.stringify({ ticketId })), { persistent: true });
  await channel.waitForConfirms();
  await connection.close();
}

describe('the RabbitMQ intake', () => {
  const queue = `test.intake.${uniq()}`;
  // RELAY_IN_PROCESS (the default): this process consumes the queue it publishes to.
  const t = useTestApp(amqpIntake(queue));
  afterAll(() => deleteBrokerObjects(AMQP_URL, { queues: [queue] }));

  it('places queued orders through the queue and sells exactly the allotment', async () => {
    await intakeReady(t());
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 4);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) => buy(t(), c.id, `amqp${n}`, '?queued=true')),
    );
    for (const r of answers.filter((r) => r.statusCode !== 202)) expectProblem(r, 409, 'sold_out');
    const tickets = await Promise.all(
      answers.filter((r) => r.statusCode === 202).map((r) => settledTicket(t(), r.json().id)),
    );
    expect(tickets.filter((x) => x.status === 'placed')).toHaveLength(4);
    for (const x of tickets.filter((x) => x.status === 'failed')) expect(x.problem?.code).toBe('sold_out');
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 4, onHand: 10 });
    expect((await intakeState(t())).json()).toEqual({ kind: 'amqp', depth: 0, bound: 10_000 });
  });
});

describe('the RabbitMQ intake at its bound', async () => {
  const queue = `test.intake.${uniq()}`;
  const server = await startRedisServer();
  const redis = connectRedis(server.url);
  // An API process beside workers (RELAY_IN_PROCESS=false): it publishes and never consumes.
  const t = useTestApp(amqpIntake(queue, { intakeQueueBound: 3 }, { relayInProcess: false }), { redis });
  afterAll(async () => {
    await deleteBrokerObjects(AMQP_URL, { queues: [queue] });
    redis.disconnect();
    await server.stop();
  });

  it('refuses past the bound with 429, leaks nothing, and a worker places each waiting ticket once', async () => {
    await intakeReady(t());
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 8);
    const answers = [];
    for (let n = 0; n < 6; n++) answers.push(await buy(t(), c.id, `bound${n}`, '?queued=true'));
    expect(answers.map((r) => r.statusCode)).toEqual([202, 202, 202, 429, 429, 429]);
    for (const r of answers.slice(3)) {
      expectProblem(r, 429, 'queue_full');
      expect(r.headers['retry-after']).toBe('1');
    }
    // The refused buyers' tickets failed and their units went back to the gate: 8 − 3 waiting.
    expect(await ticketStatuses(t(), c.id)).toEqual({ queued: 3, failed: 3 });
    expect(await new FlashGate(redis).remaining(c.id)).toBe(5);
    expect((await intakeState(t())).json()).toEqual({ kind: 'amqp', depth: 3, bound: 3 });

    // What `ordersync worker` runs: a consumer of the same queue.
    const brokers = new Brokers(t().config.sync);
    const worker = startCampaignIntake({
      db: t().db,
      config: t().config,
      brokers,
      redis,
      log: quietLog,
      orderHooks: { onPlacing: [] },
    })!;
    try {
      const tickets = await Promise.all(answers.slice(0, 3).map((r) => settledTicket(t(), r.json().id)));
      expect(tickets.map((x) => x.status)).toEqual(['placed', 'placed', 'placed']);
      // A redelivered message finds its ticket placed, is acknowledged and changes nothing; a message
      // that names no ticket is dropped rather than redelivered for ever.
      await publishAgain(queue, tickets[0]!.id);
      await publishAgain(queue, 'not-a-ticket');
      await waitFor(async () => (await intakeState(t())).json().depth === 0, {
        message: 'the queue drained',
      });
      await worker.stop(); // waits for the message in hand
      expect(await settledTicket(t(), tickets[0]!.id)).toEqual(tickets[0]);
      expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 3, onHand: 10 });
      expect(await ticketStatuses(t(), c.id)).toEqual({ placed: 3, failed: 3 });
    } finally {
      await worker.stop();
      await brokers.close();
    }
  });
});

describe('the RabbitMQ intake while RabbitMQ is away', () => {
  const t = useTestApp(
    amqpIntake(`test.intake.${uniq()}`, {}, { amqpUrl: 'amqp://guest:guest@127.0.0.1:1' }),
  );

  it('answers 503 with Retry-After and leaves no ticket queued', async () => {
    const s = await stockedSku(t(), 5);
    const c = await campaign(t(), s.sku, 5);
    const r = await buy(t(), c.id, 'away', '?queued=true');
    expectProblem(r, 503, 'service_unavailable');
    expect(r.headers['retry-after']).toBe('2');
    expect(await ticketStatuses(t(), c.id)).toEqual({ failed: 1 });
    expectProblem(await intakeState(t()), 503, 'service_unavailable');
    // The direct path does not need the broker.
    expect((await buy(t(), c.id, 'direct')).statusCode).toBe(201);
  });
});
