import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeAmazon, startFakeAmazon } from '../../../../test/helpers/fake-amazon.js';
import { mapAmazonOrder } from './amazon-order-mapping.js';
import { type AmazonPollSink, pollAmazonOrders, pollKey } from './order-poll.js';
import { SpApiClient, SpApiError, type SpLimits } from './sp-api-client.js';
import {
  GetOrderItemsResponse,
  GetOrdersResponse,
  type SpOrder,
  type SpOrderItem,
} from './sp-api-orders.schemas.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T;
const sandboxOrders = fixture<GetOrdersResponse>('amazon-spapi-getOrders.sandbox-TEST_CASE_200.json');
const sandboxItems = fixture<GetOrderItemsResponse>('amazon-spapi-getOrderItems.sandbox-TEST_CASE_200.json');
const exampleOrders = fixture<GetOrdersResponse>('amazon-spapi-getOrders.example.json');
const exampleItems = fixture<GetOrderItemsResponse>('amazon-spapi-getOrderItems.example.json');

const fast: SpLimits = {
  getOrders: { rate: 50, burst: 50 },
  getOrderItems: { rate: 500, burst: 500 },
  confirmShipment: { rate: 50, burst: 50 },
};

let fakes: FakeAmazon[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});
async function fakeAmazon(options: Parameters<typeof startFakeAmazon>[0] = {}) {
  const fake = await startFakeAmazon(options);
  fakes.push(fake);
  return fake;
}
const clientFor = (
  fake: FakeAmazon,
  limits: SpLimits = fast,
  overrides: Partial<typeof fake.credentials> = {},
) =>
  new SpApiClient({
    endpoint: fake.url,
    tokenUrl: fake.tokenUrl,
    marketplaceId: fake.marketplaceId,
    ...fake.credentials,
    ...overrides,
    limits,
    attempts: 8,
    allowHost: (host) => host === '127.0.0.1',
  });

function memorySink() {
  const applied = new Map<string, SpOrder>();
  const versions = new Map<string, string[]>();
  const sink: AmazonPollSink = {
    async applied(keys) {
      return new Set(keys.filter((k) => applied.has(k)));
    },
    async apply(order, _items, key) {
      if (applied.has(key)) throw new Error(`${key} applied twice`);
      applied.set(key, order);
      versions.set(order.AmazonOrderId, [...(versions.get(order.AmazonOrderId) ?? []), order.LastUpdateDate]);
    },
  };
  return { sink, applied, versions };
}

describe('Amazon SP-API Orders v0', () => {
  it('the real fixtures are Orders v0 answers, and the sandbox order imports to its canonical order', async () => {
    for (const body of [sandboxOrders, exampleOrders])
      expect(Value.Check(GetOrdersResponse, body)).toBe(true);
    for (const body of [sandboxItems, exampleItems])
      expect(Value.Check(GetOrderItemsResponse, body)).toBe(true);

    const fake = await fakeAmazon({ limits: fast });
    const sandbox = sandboxOrders.payload.Orders[0]!;
    fake.put(sandbox, sandboxItems.payload.OrderItems);
    const client = clientFor(fake);
    const page = await client.getOrdersPage({ lastUpdatedAfter: '1970-01-01T00:00:00Z' });
    expect(page.Orders.map((o) => o.AmazonOrderId)).toEqual(['902-1845936-5435065']);
    const items = await client.getOrderItems('902-1845936-5435065');
    expect(mapAmazonOrder(page.Orders[0]!, items)).toEqual({
      ok: true,
      order: {
        externalId: '902-1845936-5435065',
        channelUpdatedAt: '1970-01-19T03:58:32.000Z',
        placedAt: '1970-01-19T03:58:30.000Z',
        channelStatus: 'Unshipped',
        status: 'open',
        paidOnChannel: true,
        currency: 'USD',
        marketplaceId: 'ATVPDKIKX0DER',
        customer: { email: null, name: null },
        shippingAddress: null,
        lines: [
          {
            externalLineId: '05015851154158',
            channelSku: 'NABetaASINB00551Q3CS',
            title: 'B00551Q3CS [Card Book]',
            quantity: 1,
            lineTotal: 1000,
            tax: 101,
            discount: 0,
            shipping: 0,
          },
        ],
        subtotal: 1000,
        shippingTotal: 0,
        taxTotal: 101,
        discountTotal: 0,
        grandTotal: 1101,
      },
    });
    // One LWA exchange serves every call while the token lives.
    expect(fake.calls.lwaToken).toBe(1);
  });

  it('the documentation examples: a Pending order without items waits; yen with cents is refused with a reason', () => {
    const pending = exampleOrders.payload.Orders[0]!;
    expect(mapAmazonOrder(pending, [])).toEqual({
      ok: false,
      reason: 'Amazon order 902-3159896-1390916: the order has no currency',
    });
    const yen = { ...pending, AmazonOrderId: exampleItems.payload.AmazonOrderId, OrderStatus: 'Unshipped' };
    const mapped = mapAmazonOrder(yen, exampleItems.payload.OrderItems);
    expect(mapped).toEqual({
      ok: false,
      reason:
        'Amazon order 903-1671087-0812628: item 68828574383266 ItemPrice 25.99 JPY is not an amount in JPY',
    });
  });

  it('a wrong refresh token is refused by Login with Amazon and nothing is called', async () => {
    const fake = await fakeAmazon();
    const client = clientFor(fake, fast, { refreshToken: 'Atzr|wrong' });
    await expect(client.getOrdersPage({ lastUpdatedAfter: '2026-01-01T00:00:00Z' })).rejects.toThrow(
      /Login with Amazon refused/,
    );
    expect(fake.calls.getOrders).toBeUndefined();
    expect(
      () => new SpApiClient({ ...fake.credentials, endpoint: 'http://10.0.0.1', marketplaceId: 'X' }),
    ).toThrow(SpApiError);
  });

  it('inside the limits the client never meets a 429; a client that outruns them gets QuotaExceeded and retries', async () => {
    const limits: SpLimits = { ...fast, getOrders: { rate: 10, burst: 3 } };
    const fake = await fakeAmazon({ limits });
    const polite = clientFor(fake, limits);
    const started = Date.now();
    for (let i = 0; i < 8; i++) await polite.getOrdersPage({ lastUpdatedAfter: '2026-01-01T00:00:00Z' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450); // 5 calls past the burst at 10/s (less 10 %)
    expect(fake.throttled.getOrders ?? 0).toBe(0);
    expect(polite.stats.throttled).toBe(0);

    const rude = clientFor(fake, fast);
    for (let i = 0; i < 6; i++) await rude.getOrdersPage({ lastUpdatedAfter: '2026-01-01T00:00:00Z' });
    expect(fake.throttled.getOrders).toBeGreaterThan(0);
    expect(rude.stats.throttled).toBe(fake.throttled.getOrders);
  });

  it('a Retry-After longer than the client waits out fails the call at once (its next round retries)', async () => {
    const limits: SpLimits = { ...fast, getOrders: { rate: 0.0167, burst: 1 } }; // Amazon's own
    const fake = await fakeAmazon({ limits });
    const rude = clientFor(fake, fast);
    await rude.getOrdersPage({ lastUpdatedAfter: '2026-01-01T00:00:00Z' });
    const started = Date.now();
    const refused = await rude.getOrdersPage({ lastUpdatedAfter: '2026-01-01T00:00:00Z' }).catch((e) => e);
    expect(refused).toBeInstanceOf(SpApiError);
    expect((refused as SpApiError).status).toBe(429);
    expect(Date.now() - started).toBeLessThan(5_000); // not the minute Amazon asked for
    expect(fake.calls.getOrders).toBe(2);
  });

  it('the watermark never skips an order updated while the pages were read', async () => {
    const fake = await fakeAmazon({ pageSize: 20, limits: fast });
    const base = Date.now() - 3_600_000;
    const order = (i: number, at: number): SpOrder => ({
      ...sandboxOrders.payload.Orders[0]!,
      AmazonOrderId: `111-0000000-${String(i).padStart(7, '0')}`,
      LastUpdateDate: new Date(at).toISOString(),
    });
    const items: SpOrderItem[] = sandboxItems.payload.OrderItems;
    for (let i = 0; i < 100; i++) fake.put(order(i, base + i * 1000), items);
    // While the caller reads page 3, orders are updated: five it already read, five it has not.
    const updated = [0, 1, 2, 3, 4, 80, 81, 82, 83, 84];
    fake.beforePage = (page) => {
      if (page === 2) for (const i of updated) fake.put(order(i, Date.now() - 1000 + i), items);
    };
    const { sink, applied, versions } = memorySink();
    const client = clientFor(fake);
    const first = await pollAmazonOrders(client, sink, { watermark: new Date(base - 60_000).toISOString() });
    const ids = Array.from({ length: 100 }, (_, i) => order(i, 0).AmazonOrderId);
    // The first pass saw the old versions of 0–4, and 80–84 not at all: their new LastUpdateDate is
    // past the result's LastUpdatedBefore, so they left the range it was paging through.
    expect(first.read).toBe(95);
    expect(ids.filter((id) => !versions.has(id))).toEqual(updated.slice(5).map((i) => ids[i]));
    // The next poll starts from the watermark minus the overlap; Amazon makes us wait until the
    // updates are two minutes old (LastUpdatedBefore ≤ now − 2 min): the test moves its clock.
    fake.beforePage = undefined;
    for (const i of updated) fake.put(order(i, Date.now() - 200_000 + i), items);
    const second = await pollAmazonOrders(client, sink, { watermark: first.watermark });
    expect(ids.filter((id) => !versions.has(id))).toEqual([]);
    for (const i of updated.slice(0, 5)) expect(versions.get(ids[i]!)).toHaveLength(2);
    for (const i of updated.slice(5)) expect(versions.get(ids[i]!)).toHaveLength(1);
    expect(second.applied).toBe(10);
    // The overlap re-read the 90 unchanged orders; each (AmazonOrderId, LastUpdateDate) applies once.
    expect(second.skipped).toBe(90);
    expect(applied.size).toBe(105);
    expect(Date.parse(second.watermark)).toBeGreaterThanOrEqual(Date.parse(first.watermark));
    expect([...applied.keys()].every((k) => k === pollKey(applied.get(k)!))).toBe(true);
  });
});
