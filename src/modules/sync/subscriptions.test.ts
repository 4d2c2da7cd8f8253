import { describe, expect, it } from 'vitest';
import { createSubscription, outboxEvents, withSync, writeEvents } from '../../../test/helpers/sync.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { newId } from '../../platform/ids.js';

// The subscription and delivery API on a deployment without brokers (the embedded default).
describe('subscriptions and deliveries API', () => {
  const t = useTestApp(withSync());
  const hook = 'https://erp.example.com/hooks/ordersync';

  it('creates a webhook subscription with a generated whsec_ secret, shown once', async () => {
    const sub = await createSubscription(t(), {
      name: 'ERP',
      transport: 'webhook',
      url: hook,
      eventTypes: ['order.*'],
    });
    expect(sub).toMatchObject({
      name: 'ERP',
      transport: 'webhook',
      url: hook,
      eventTypes: ['order.*'],
      status: 'active',
      backfilled: 0,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/),
    });
    const got = await t().request({ method: 'GET', url: `/v1/subscriptions/${sub.id}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    const list = await t().request({ method: 'GET', url: '/v1/subscriptions?status=active' });
    expect(list.json().data.map((s: { id: string }) => s.id)).toContain(sub.id);
  });

  it('keeps a given secret, and refuses bad input field by field', async () => {
    const secret = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    const sub = await createSubscription(t(), {
      name: 'CRM',
      transport: 'webhook',
      url: hook,
      eventTypes: ['*'],
      secret,
    });
    expect(sub.secret).toBe(secret);

    const bad = await t().request({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: {
        name: '',
        transport: 'carrier-pigeon',
        url: 'ftp://x',
        eventTypes: ['Order Placed'],
        secret: 'hunter2',
      },
    });
    const problem = expectProblem(bad, 400, 'validation_failed');
    const fields = problem.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.transport',
        'body.url',
        'body.eventTypes[0]',
        'body.secret',
      ]),
    );
    const noUrl = await t().request({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { name: 'x', transport: 'webhook', eventTypes: ['*'] },
    });
    expect(expectProblem(noUrl, 400).errors).toEqual([
      { field: 'body.url', message: 'is required for webhooks' },
    ]);
  });

  it('is a 422 to ask for a broker transport this deployment does not have', async () => {
    for (const transport of ['amqp', 'nats']) {
      const res = await t().request({
        method: 'POST',
        url: '/v1/subscriptions',
        payload: { name: 'WMS', transport, eventTypes: ['order.*'] },
      });
      const problem = expectProblem(res, 422, 'unprocessable');
      expect(problem.errors).toEqual([
        { field: 'body.transport', message: expect.stringMatching(/_URL is not configured/) },
      ]);
    }
  });

  it('starts from a past point: from an event id or the beginning, matching only its types', async () => {
    const subject = newId();
    await writeEvents(t().db, subject, 4);
    const events = await outboxEvents(t(), [subject]);
    const fromEvent = await createSubscription(t(), {
      name: 'BI',
      transport: 'webhook',
      url: hook,
      eventTypes: ['order.flagged'],
      from: events[2]!.id,
    });
    expect(fromEvent.backfilled).toBe(2);
    const other = await createSubscription(t(), {
      name: 'payments only',
      transport: 'webhook',
      url: hook,
      eventTypes: ['payment.*'],
      from: 'beginning',
    });
    expect(other.backfilled).toBe(0);
    const list = await t().request({
      method: 'GET',
      url: `/v1/deliveries?subscription=${fromEvent.id}&status=pending`,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json()
        .data.map((d: { sequence: number }) => d.sequence)
        .sort(),
    ).toEqual([3, 4]);
    expect(list.json().data[0]).toMatchObject({
      subscriptionId: fromEvent.id,
      eventType: 'com.ordersync.order.flagged',
      subject,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: expect.any(String),
      deliveredAt: null,
    });
    const unknown = await t().request({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { name: 'x', transport: 'webhook', url: hook, eventTypes: ['*'], from: newId() },
    });
    expectProblem(unknown, 422);
  });

  it('pauses, resumes, rotates the secret of webhooks only, and deletes', async () => {
    const sub = await createSubscription(t(), {
      name: 'TMS',
      transport: 'webhook',
      url: hook,
      eventTypes: ['*'],
    });
    const paused = await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/pause` });
    expect(paused.json().status).toBe('paused');
    const resumed = await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/resume` });
    expect(resumed.json().status).toBe('active');
    const rotated = await t().request({
      method: 'POST',
      url: `/v1/subscriptions/${sub.id}/rotate-secret`,
      payload: {},
    });
    expect(rotated.json()).toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
      previousSecretExpiresAt: expect.any(String),
    });
    const deleted = await t().request({ method: 'DELETE', url: `/v1/subscriptions/${sub.id}` });
    expect(deleted.statusCode).toBe(204);
    expectProblem(await t().request({ method: 'GET', url: `/v1/subscriptions/${sub.id}` }), 404, 'not_found');
    expectProblem(await t().request({ method: 'POST', url: `/v1/subscriptions/${sub.id}/pause` }), 404);
  });

  it('retries only deliveries that exist and are not delivered; lists dead letters; paginates', async () => {
    await writeEvents(t().db, newId(), 2);
    await createSubscription(t(), {
      name: 'all',
      transport: 'webhook',
      url: hook,
      eventTypes: ['*'],
      from: 'beginning',
    });
    expectProblem(
      await t().request({ method: 'POST', url: `/v1/deliveries/${newId()}/retry` }),
      404,
      'not_found',
    );
    const dead = await t().request({ method: 'GET', url: '/v1/deliveries?status=dead' });
    expect(dead.json()).toEqual({ data: [], nextCursor: null });
    const page = await t().request({ method: 'GET', url: '/v1/deliveries?limit=1' });
    expect(page.json().data).toHaveLength(1);
    const next = await t().request({
      method: 'GET',
      url: `/v1/deliveries?limit=1&cursor=${page.json().nextCursor}`,
    });
    expect(next.json().data[0].id < page.json().data[0].id).toBe(true);
    expectProblem(await t().request({ method: 'GET', url: '/v1/deliveries?cursor=nonsense' }), 400);
  });

  it('lets support read but not change subscriptions; /readyz lists no broker when none is configured', async () => {
    const support = await t().keyFor('support');
    expect((await t().request({ method: 'GET', url: '/v1/subscriptions', key: support })).statusCode).toBe(
      200,
    );
    expect((await t().request({ method: 'GET', url: '/v1/deliveries', key: support })).statusCode).toBe(200);
    const create = await t().request({
      method: 'POST',
      url: '/v1/subscriptions',
      key: support,
      payload: { name: 'x', transport: 'webhook', url: hook, eventTypes: ['*'] },
    });
    expectProblem(create, 403, 'forbidden');
    const ready = await t().request({ method: 'GET', url: '/readyz', key: null });
    expect(ready.json().checks.map((c: { name: string }) => c.name)).toEqual([
      expect.stringMatching(/^database/),
    ]);
  });

  it('exposes the backlog and delivery metrics', async () => {
    const res = await t().request({ method: 'GET', url: '/metrics', key: null });
    expect(res.body).toMatch(/ordersync_sync_outbox_backlog\{state="pending"\} \d+/);
    expect(res.body).toMatch(/ordersync_sync_oldest_undelivered_age_seconds \d/);
    expect(res.body).toContain('ordersync_sync_delivery_latency_seconds');
  });
});
