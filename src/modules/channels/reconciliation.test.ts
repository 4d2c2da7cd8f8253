import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, setStock } from '../../../test/helpers/factories.js';
import { useFakeShops } from '../../../test/helpers/fake-shop-apis.js';
import { TEST_WEBHOOK_ALLOWED_HOSTS, useTestApp } from '../../../test/helpers/test-app.js';
import { guardedChannelFetch } from './channel-fetch.js';
import { ChannelSecrets } from './channel-secrets.js';
import { reconcileDueChannels } from './reconciliation.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));

describe('channel reconciliation', () => {
  const t = useTestApp();
  const { shopify, woo } = useFakeShops('shpat_reconcile', 'ck_r:cs_r');
  const deps = () => ({
    db: t().db,
    orderHooks: t().app.services.orderHooks,
    secrets: new ChannelSecrets(t().config.channelSecretsKey),
    fetch: guardedChannelFetch(TEST_WEBHOOK_ALLOWED_HOSTS.split(',')),
    intervalSeconds: 600,
  });

  it('places orders whose webhooks never came, through 429s and 5xx, once, and shows it in the health', async () => {
    const items = await createProduct(t(), [1000, 1000, 1000], 'USD');
    const wh = await createWarehouse(t());
    for (const i of items) await setStock(t(), i.sku, wh.code, 100);
    const make = async (payload: Record<string, unknown>) => {
      const res = await t().request({ method: 'POST', url: '/v1/channels', payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };
    const shop = await make({
      code: 'recon-shop',
      kind: 'shopify',
      name: 'S',
      currency: 'USD',
      apiUrl: shopify.url,
      credentials: { accessToken: 'shpat_reconcile' },
    });
    const site = await make({
      code: 'recon-woo',
      kind: 'woocommerce',
      name: 'W',
      currency: 'USD',
      apiUrl: woo.url,
      credentials: { consumerKey: 'ck_r', consumerSecret: 'cs_r' },
    });
    const base = fixture('shopify-order-rest.json').order;
    const now = Date.now();
    for (let n = 0; n < 5; n++) {
      const updated = new Date(now - (5 - n) * 60_000).toISOString();
      shopify.orders.set(String(n), {
        ...base,
        id: 9000 + n,
        name: `#${9000 + n}`,
        financial_status: 'paid',
        updated_at: updated,
        created_at: updated,
        line_items: [{ ...base.line_items[0], sku: items[n % 3]!.sku, price: '10.00', quantity: 1 }],
        total_price: '21.94',
        total_tax: '11.94',
      });
    }
    const wooBase = fixture('woocommerce-order-rest-v3.json');
    for (let n = 0; n < 3; n++) {
      woo.orders.set(String(n), {
        ...wooBase,
        id: 500 + n,
        date_modified_gmt: new Date(now - n * 60_000).toISOString().slice(0, 19),
        line_items: [{ ...wooBase.line_items[1], sku: items[n]!.sku }],
        total: '23.35',
        total_tax: '1.35',
      });
    }
    shopify.failNext.push(429, 502);
    woo.failNext.push(503);

    expect(await reconcileDueChannels(deps(), new Date())).toBe(2);
    const count = async (code: string) =>
      (await t().db.selectFrom('orders').select('id').where('channel', '=', code).execute()).length;
    expect(await count('recon-shop')).toBe(5);
    expect(await count('recon-woo')).toBe(3);
    // not due again before the interval; run again anyway and nothing doubles
    expect(await reconcileDueChannels(deps(), new Date())).toBe(0);
    await t()
      .db.updateTable('channel_sync_state')
      .set({ next_reconcile_at: new Date(0) })
      .execute();
    expect(await reconcileDueChannels(deps(), new Date())).toBe(2);
    expect(await count('recon-shop')).toBe(5);

    const health = (await t().request({ method: 'GET', url: `/v1/channels/${shop.id}` })).json().health;
    expect(health).toMatchObject({
      throttledLastHour: 1,
      heldOrders: 0,
      lastError: null,
      pendingDeliveries: 0,
    });
    expect(Date.parse(health.lastReconciledAt)).toBeGreaterThan(now - 60_000);
    expect(health.lagSeconds).toBeLessThan(60);
    expect(Date.parse(health.lastOrderReceivedAt)).toBeGreaterThan(now - 60_000);
    const wooHealth = (await t().request({ method: 'GET', url: `/v1/channels/${site.id}` })).json().health;
    expect(wooHealth.lastReconciledAt).not.toBeNull();
  });
});
