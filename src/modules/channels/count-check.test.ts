import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, setStock } from '../../../test/helpers/factories.js';
import { useFakeShops } from '../../../test/helpers/fake-shop-apis.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { ChannelClients } from './channel-clients.js';
import { checkPayload } from './channel-payload.js';
import { checkDueOrderCounts } from './count-check.js';
import { receiveChannelOrder } from './receive-channel-order.js';
import { fromShopifyOrder, ShopifyOrder } from './shopify/shopify-order.js';
import { fromWooOrder, WooOrder } from './woocommerce/woocommerce-order.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
const DAY = 86_400_000;

describe('the daily order count check', () => {
  const t = useTestApp();
  const { shopify, woo } = useFakeShops('shpat_counts', 'ck_c:cs_c');

  it("compares each of the last two UTC days with the channel's count, reads a short day again, and reports what is still missing", async () => {
    const now = new Date();
    const today = Math.floor(now.getTime() / DAY) * DAY;
    const [item] = await createProduct(t(), [1000], 'USD');
    const wh = await createWarehouse(t());
    await setStock(t(), item!.sku, wh.code, 100);
    const make = async (kind: string, apiUrl: string, credentials: Record<string, string>) => {
      const res = await t().request({
        method: 'POST',
        url: '/v1/channels',
        payload: { code: `count-${kind}`, kind, name: kind, currency: 'USD', apiUrl, credentials },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; code: string };
    };
    const shop = await make('shopify', shopify.url, { accessToken: 'shpat_counts' });
    const site = await make('woocommerce', woo.url, { consumerKey: 'ck_c', consumerSecret: 'cs_c' });

    // Two days back: 3 orders a day on each shop (and one today, not checked); we heard of 2 of the
    // day before yesterday's and 1 of yesterday's. One Shopify order of yesterday cannot be read.
    const base = fixture('shopify-order-rest.json').order;
    const wooBase = fixture('woocommerce-order-rest-v3.json');
    const deps = { db: t().db, orderHooks: t().app.services.orderHooks };
    let n = 0;
    for (const back of [2, 1, 0]) {
      for (let i = 0; i < 3; i++) {
        const at = new Date(today - back * DAY + (i + 1) * 3600_000);
        if (at > now) continue;
        n++;
        const s = {
          ...base,
          id: 7000 + n,
          financial_status: 'paid',
          created_at: at.toISOString(),
          updated_at: at.toISOString(),
          line_items: [{ ...base.line_items[0], sku: item!.sku, price: '10.00', quantity: 1 }],
          ...(back === 1 && i === 2 ? { line_items: [] } : {}),
        };
        const w = {
          ...wooBase,
          id: 8000 + n,
          date_created_gmt: at.toISOString().slice(0, 19),
          date_modified_gmt: at.toISOString().slice(0, 19),
          line_items: [{ ...wooBase.line_items[1], sku: item!.sku }],
        };
        shopify.orders.set(String(n), s);
        woo.orders.set(String(n), w);
        if ((back === 2 && i < 2) || (back === 1 && i === 0)) {
          await receiveChannelOrder(deps, shop, fromShopifyOrder(checkPayload(ShopifyOrder, s, 'order')));
          await receiveChannelOrder(deps, site, fromWooOrder(checkPayload(WooOrder, w, 'order')));
        }
      }
    }

    const clients = ChannelClients.of(t().config);
    const run = () =>
      checkDueOrderCounts(
        { ...deps, secrets: clients.secrets, fetch: clients.fetch, intervalSeconds: 600 },
        now,
      );
    expect(await run()).toBe(2);
    expect(await run()).toBe(0); // once a day

    const day = (back: number) => new Date(today - back * DAY).toISOString().slice(0, 10);
    const health = async (id: string) =>
      (await t().request({ method: 'GET', url: `/v1/channels/${id}` })).json().health;
    const shopHealth = await health(shop.id);
    expect(shopHealth.orderCounts.map(({ checkedAt: _, ...c }: { checkedAt: string }) => c)).toEqual([
      { day: day(1), channelCount: 3, ourCountBefore: 1, ourCount: 2 },
      { day: day(2), channelCount: 3, ourCountBefore: 2, ourCount: 3 },
    ]);
    expect(shopHealth.errorsLastHour).toBeGreaterThanOrEqual(1);
    const incidents = await t()
      .db.selectFrom('channel_incidents')
      .select('message')
      .where('channel_id', '=', shop.id)
      .execute();
    expect(incidents.map((i) => i.message)).toContain(
      `order count of ${day(1)} (UTC): the channel has 3, OrderSync 2 after reading the day again`,
    );
    const wooHealth = await health(site.id);
    expect(wooHealth.orderCounts.map(({ checkedAt: _, ...c }: { checkedAt: string }) => c)).toEqual([
      { day: day(1), channelCount: 3, ourCountBefore: 1, ourCount: 3 },
      { day: day(2), channelCount: 3, ourCountBefore: 2, ourCount: 3 },
    ]);
  });
});
