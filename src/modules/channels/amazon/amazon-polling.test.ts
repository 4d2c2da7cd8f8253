import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stockedSku } from '../../../../test/helpers/factories.js';
import { type FakeAmazon, startFakeAmazon } from '../../../../test/helpers/fake-amazon.js';
import { withSync } from '../../../../test/helpers/sync.js';
import { useTestApp } from '../../../../test/helpers/test-app.js';
import { AmazonPolling } from './amazon-polling.js';
import type { SpLimits } from './sp-api-client.js';
import type { GetOrderItemsResponse, GetOrdersResponse } from './sp-api-orders.schemas.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T;
const fast: SpLimits = {
  getOrders: { rate: 50, burst: 50 },
  getOrderItems: { rate: 500, burst: 500 },
  confirmShipment: { rate: 50, burst: 50 },
};

describe('Amazon channel polling', () => {
  const t = useTestApp(withSync());
  let fake: FakeAmazon | undefined;
  afterAll(async () => fake?.close());

  it('imports the sandbox getOrders/getOrderItems fixture as one channel order, once, at Amazon’s prices', async () => {
    fake = await startFakeAmazon({ limits: fast });
    const orders = fixture<GetOrdersResponse>('amazon-spapi-getOrders.sandbox-TEST_CASE_200.json').payload
      .Orders;
    const items = fixture<GetOrderItemsResponse>(
      'amazon-spapi-getOrderItems.sandbox-TEST_CASE_200.json',
    ).payload;
    fake.put(orders[0]!, items.OrderItems);
    // The fixture's second order has no items in the fixtures: Amazon would never answer so; not served.
    const item = await stockedSku(t(), 10);
    const created = await t().request({
      method: 'POST',
      url: '/v1/channels',
      payload: {
        code: 'amazon-us',
        kind: 'amazon',
        name: 'Amazon US',
        apiUrl: fake.url,
        credentials: { ...fake.credentials, marketplaceId: fake.marketplaceId, lwaTokenUrl: fake.tokenUrl },
        currency: 'USD',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const channelId = created.json().id as string;
    const mapped = await t().request({
      method: 'PUT',
      url: `/v1/channels/${channelId}/sku-map`,
      payload: { entries: [{ channelSku: 'NABetaASINB00551Q3CS', sku: item.sku }] },
    });
    expect(mapped.statusCode, mapped.body).toBeLessThan(300);
    // The sandbox order is dated 1970: start the watermark before it.
    await t()
      .db.insertInto('amazon_poll_state')
      .values({ channel_id: channelId, watermark: '1970-01-01T00:00:00Z' })
      .execute();

    const polling = new AmazonPolling(
      { db: t().db, config: t().config, orderHooks: t().app.services.orderHooks },
      fast,
    );
    expect(await polling.pollAll()).toBe(1);
    // Amazon gives a merchant-fulfilled order's address only with a Restricted Data Token (getOrderAddress,
    // not built yet): the order is kept at Amazon's prices and held with the reason until it has one.
    const row = await t()
      .db.selectFrom('channel_orders')
      .select(['state', 'hold_reason', 'snapshot', 'order_id'])
      .where('channel_id', '=', channelId)
      .where('external_id', '=', '902-1845936-5435065')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: 'held',
      hold_reason: 'the channel sent no address yet',
      order_id: null,
    });
    expect(row.snapshot).toEqual({
      externalId: '902-1845936-5435065',
      updatedAt: '1970-01-19T03:58:32.000Z',
      createdAt: '1970-01-19T03:58:30.000Z',
      status: 'open',
      paid: true,
      currency: 'USD',
      lines: [
        {
          channelSku: 'NABetaASINB00551Q3CS',
          title: 'B00551Q3CS [Card Book]',
          quantity: 1,
          unitPrice: 1000,
          tax: 101,
        },
      ],
      shippingTotal: 0,
      discountTotal: 0,
      taxTotal: 101,
      grandTotal: 1101,
      customer: {},
    });

    // Polled again (a minute later): the overlap re-reads the order, its version is skipped.
    await t().db.updateTable('amazon_poll_state').set({ last_polled_at: null }).execute();
    const calls = fake.calls.getOrderItems;
    expect(await polling.pollAll()).toBe(0);
    expect(fake.calls.getOrderItems).toBe(calls);
    const count = await t()
      .db.selectFrom('channel_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });
});
