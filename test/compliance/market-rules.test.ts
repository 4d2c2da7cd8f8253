import { describe, expect, it } from 'vitest';
import { receiveChannelOrder } from '../../src/modules/channels/index.js';
import { CHINA_CROSS_BORDER_RULE } from '../../src/modules/compliance/index.js';
import { newId } from '../../src/platform/ids.js';
import {
  address,
  cartWith,
  createProduct,
  createWarehouse,
  orderBody,
  setStock,
  stockedSku,
} from '../helpers/factories.js';
import { useTestApp } from '../helpers/test-app.js';
import { createRule, ledgerTotal, residentId } from './market-rules-kit.js';

const t = useTestApp();
const ID = residentId('11010519491231002');
const identity = { name: 'Li Lei', idNumber: ID };

describe('market rules', () => {
  it('refuses bad rules with a clear 4xx and keeps none of them', async () => {
    const base = { name: 'bad', scope: { country: 'CN' } };
    const cases: [unknown, number, string][] = [
      [{ ...base, conditions: { orderLimit: 100 } }, 400, 'orderLimit'],
      [{ ...base, conditions: { requiredFields: ['customer.shoeSize'] } }, 400, 'requiredFields'],
      [{ ...base, conditions: { currency: 'CNY', orderValueLimit: -1 } }, 400, 'orderValueLimit'],
      [
        { ...base, scope: { country: 'China' }, conditions: { codLimit: 0, currency: 'CNY' } },
        400,
        'country',
      ],
      [{ ...base, conditions: {} }, 422, 'checks nothing'],
      [{ ...base, conditions: { orderValueLimit: 100 } }, 422, 'currency'],
      [
        { ...base, conditions: { currency: 'CNY', orderValueLimit: 900, yearlyValueLimit: 500 } },
        422,
        'yearlyValueLimit',
      ],
      [{ ...base, conditions: { currency: 'CNY', orderValueLimit: 100, codLimit: 500 } }, 422, 'codLimit'],
    ];
    for (const [body, status, mentions] of cases) {
      const res = await createRule(t(), body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toContain(mentions);
    }
    expect((await t().request({ method: 'GET', url: '/v1/compliance/rules' })).json()).toEqual([]);
  });

  it('keeps rules: create, read, replace, refuse an overlapping limit, delete; admin only', async () => {
    const made = await createRule(t(), { ...CHINA_CROSS_BORDER_RULE, name: 'crud' });
    expect(made.statusCode, made.body).toBe(201);
    const rule = made.json();
    expect(rule).toMatchObject({
      name: 'crud',
      active: true,
      scope: { country: 'CN', channels: ['cross-border'] },
    });
    expect((await t().request({ method: 'GET', url: `/v1/compliance/rules/${rule.id}` })).json()).toEqual(
      rule,
    );

    // Another active rule limiting the same orders: which limit would hold? Refused, naming the other.
    const overlapping = await createRule(t(), {
      name: 'shanghai',
      scope: { country: 'CN', province: 'Shanghai' },
      conditions: { currency: 'CNY', orderValueLimit: 100_000 },
    });
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json()).toMatchObject({ rule: { id: rule.id, name: 'crud' } });
    // The same name twice is refused too; another channel does not overlap.
    expect(
      (
        await createRule(t(), {
          ...CHINA_CROSS_BORDER_RULE,
          name: 'crud',
          scope: { country: 'CN', channels: ['web'] },
        })
      ).statusCode,
    ).toBe(409);

    const support = await t().keyFor('support');
    expect((await t().request({ method: 'GET', url: '/v1/compliance/rules', key: support })).statusCode).toBe(
      403,
    );

    const replaced = await t().request({
      method: 'PUT',
      url: `/v1/compliance/rules/${rule.id}`,
      payload: { ...CHINA_CROSS_BORDER_RULE, name: 'crud', active: false },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ id: rule.id, active: false });
    const missing = '01939a57-0000-7000-8000-000000000000';
    expect(
      (
        await t().request({
          method: 'PUT',
          url: `/v1/compliance/rules/${missing}`,
          payload: CHINA_CROSS_BORDER_RULE,
        })
      ).statusCode,
    ).toBe(404);
    expect((await t().request({ method: 'DELETE', url: `/v1/compliance/rules/${rule.id}` })).statusCode).toBe(
      204,
    );
    expect((await t().request({ method: 'GET', url: `/v1/compliance/rules/${rule.id}` })).statusCode).toBe(
      404,
    );
    expect((await t().request({ method: 'DELETE', url: `/v1/compliance/rules/${rule.id}` })).statusCode).toBe(
      404,
    );
  });

  it('refuses an order a rule forbids, naming the rule and the reason, and changes nothing', async () => {
    const rule = (await createRule(t(), CHINA_CROSS_BORDER_RULE)).json();
    const [cheap, dear] = await createProduct(t(), [100_000, 600_000]);
    const wh = await createWarehouse(t());
    for (const item of [cheap!, dear!]) await setStock(t(), item.sku, wh.code, 50);
    const email = 'cross.border@example.cn';
    const place = (lines: { sku: string; quantity: number }[], extra: Record<string, unknown> = {}) =>
      t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody(lines, {
          channel: 'cross-border',
          customer: { email, name: 'Li Lei' },
          buyerIdentity: identity,
          ...extra,
        }),
      });
    const cases: [Record<string, unknown>, string, { sku: string; quantity: number }[]][] = [
      [{ buyerIdentity: undefined }, 'missing_field', [{ sku: cheap!.sku, quantity: 1 }]],
      [
        { buyerIdentity: { ...identity, idNumber: '110105194912310021' } },
        'identity_invalid',
        [{ sku: cheap!.sku, quantity: 1 }],
      ],
      [
        { buyerIdentity: { ...identity, name: 'Han Meimei' } },
        'identity_name_mismatch',
        [{ sku: cheap!.sku, quantity: 1 }],
      ],
      [{}, 'order_value_limit', [{ sku: dear!.sku, quantity: 1 }]],
    ];
    for (const [extra, reason, lines] of cases) {
      const res = await place(lines, extra);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'market_rule_refused',
        type: 'https://ordersync.dev/problems/market-rule-refused',
        rule: { id: rule.id, name: CHINA_CROSS_BORDER_RULE.name },
        reason,
      });
      expect(res.json().detail).toContain(CHINA_CROSS_BORDER_RULE.name);
      expect(res.body).not.toContain(ID);
    }
    const orders = await t()
      .db.selectFrom('orders')
      .select('id')
      .where('customer_email', '=', email)
      .execute();
    expect(orders).toEqual([]);
    const stock = await t()
      .db.selectFrom('stock_levels')
      .select('reserved')
      .where('sku', '=', cheap!.sku)
      .executeTakeFirstOrThrow();
    expect(stock.reserved).toBe(0);
    expect(await ledgerTotal(t(), rule.id)).toBe(0);

    // Another channel, another country: the rule does not apply.
    expect(
      (await place([{ sku: dear!.sku, quantity: 1 }], { channel: 'web', buyerIdentity: undefined }))
        .statusCode,
    ).toBe(201);
    const abroad = { home: address({ country: 'US', province: 'CA', city: 'San Francisco' }) };
    expect(
      (await place([{ sku: dear!.sku, quantity: 1 }], { addresses: abroad, buyerIdentity: undefined }))
        .statusCode,
    ).toBe(201);

    // Within the limits: placed and counted; the ID kept apart from the order, masked for support.
    const placed = await place([{ sku: cheap!.sku, quantity: 4 }]);
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.body).not.toContain(ID);
    expect(await ledgerTotal(t(), rule.id)).toBe(placed.json().totals.grandTotal);
    const byAdmin = (await t().request({ method: 'GET', url: `/v1/orders/${placed.json().id}` })).json();
    expect(byAdmin.buyerIdentity).toEqual({ name: 'Li Lei', idNumber: ID });
    const support = await t().keyFor('support');
    const bySupport = await t().request({
      method: 'GET',
      url: `/v1/orders/${placed.json().id}`,
      key: support,
    });
    expect(bySupport.json().buyerIdentity).toEqual({
      name: 'L*** L***',
      idNumber: `110${'*'.repeat(13)}${ID.slice(-2)}`,
    });
    const events = await t()
      .db.selectFrom('outbox')
      .select('data')
      .where('subject', '=', placed.json().id)
      .execute();
    expect(JSON.stringify(events)).not.toContain(ID);

    // 26,000 a year: 4,000 counted; 5 × 4,000 more fit, the 7th 4,000 does not, whatever the e-mail.
    for (let i = 0; i < 5; i++)
      expect((await place([{ sku: cheap!.sku, quantity: 4 }])).statusCode).toBe(201);
    const past = await place([{ sku: cheap!.sku, quantity: 4 }], {
      customer: { email: 'other@example.cn', name: 'Li Lei' },
    });
    expect(past.statusCode, past.body).toBe(422);
    expect(past.json()).toMatchObject({ rule: { id: rule.id }, reason: 'yearly_value_limit' });
    expect(await ledgerTotal(t(), rule.id)).toBe(2_400_000);

    // Cancelled before shipment: what it counted is given back, once.
    const id = placed.json().id;
    for (let i = 0; i < 2; i++)
      await t().request({
        method: 'POST',
        url: `/v1/orders/${id}/cancel`,
        payload: { reason: 'changed mind' },
      });
    expect(await ledgerTotal(t(), rule.id)).toBe(2_000_000);
    expect((await place([{ sku: cheap!.sku, quantity: 4 }])).statusCode).toBe(201);

    // Cart checkout goes through the same rules.
    const cart = await cartWith(t(), [{ sku: cheap!.sku, quantity: 3 }]);
    const key = cart.key;
    const checkout = (extra: Record<string, unknown>) =>
      t().request({
        method: 'POST',
        url: `/v1/carts/${cart.id}/checkout`,
        key,
        payload: {
          customer: { email, name: 'Li Lei' },
          addresses: { home: address() },
          paymentMethod: 'sandbox',
          channel: 'cross-border',
          ...extra,
        },
      });
    expect((await checkout({})).json()).toMatchObject({ reason: 'missing_field' });
    expect((await checkout({ buyerIdentity: identity })).json()).toMatchObject({
      reason: 'yearly_value_limit',
    });

    // The report: accepted and refused per rule, refusals by reason.
    const report = await t().request({ method: 'GET', url: '/v1/compliance/rules/report' });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().rules).toEqual([
      {
        ruleId: rule.id,
        name: CHINA_CROSS_BORDER_RULE.name,
        accepted: 7,
        refused: 7,
        refusedBy: {
          missing_field: 2,
          identity_invalid: 1,
          identity_name_mismatch: 1,
          order_value_limit: 1,
          yearly_value_limit: 2,
        },
      },
    ]);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const empty = await t().request({
      method: 'GET',
      url: '/v1/compliance/rules/report',
      query: { from: later },
    });
    expect(empty.json().rules).toEqual([]);
    const backwards = await t().request({
      method: 'GET',
      url: '/v1/compliance/rules/report',
      query: { from: later, to: new Date().toISOString() },
    });
    expect(backwards.statusCode).toBe(400);
  });

  it('restricts SKUs, categories and cash on delivery per region', async () => {
    const item = await stockedSku(t(), 20, 30_000);
    const other = await stockedSku(t(), 20, 30_000);
    const category = (
      await t()
        .db.selectFrom('products')
        .select('category_id')
        .where('id', '=', other.productId)
        .executeTakeFirstOrThrow()
    ).category_id;
    const rule = await createRule(t(), {
      name: 'Tibet',
      scope: { country: 'CN', province: 'Xizang' },
      conditions: {
        restrictedSkus: [item.sku],
        restrictedCategories: [category],
        currency: 'CNY',
        codLimit: 0,
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const to = { home: address({ province: 'Xizang', city: 'Lhasa' }) };
    const place = (sku: string, extra: Record<string, unknown> = {}) =>
      t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku, quantity: 1 }], { addresses: to, ...extra }),
      });
    expect((await place(item.sku)).json()).toMatchObject({
      reason: 'restricted_sku',
      rule: { name: 'Tibet' },
    });
    expect((await place(other.sku)).json()).toMatchObject({ reason: 'restricted_category' });
    const fresh = await stockedSku(t(), 20, 30_000);
    expect((await place(fresh.sku, { paymentMethod: 'cod' })).json()).toMatchObject({ reason: 'cod_limit' });
    expect((await place(fresh.sku)).statusCode).toBe(201);
    // Elsewhere in China the rule does not apply.
    expect(
      (
        await t().request({
          method: 'POST',
          url: '/v1/orders',
          payload: orderBody([{ sku: item.sku, quantity: 1 }]),
        })
      ).statusCode,
    ).toBe(201);
  });

  it("holds a channel's order a rule refuses, before or inside the order's statement", async () => {
    const [item, banned] = await createProduct(t(), [2000, 500]);
    const wh = await createWarehouse(t());
    for (const i of [item!, banned!]) await setStock(t(), i.sku, wh.code, 10);
    const code = `tmall-${newId().slice(-8)}`;
    const channel = (
      await t().request({
        method: 'POST',
        url: '/v1/channels',
        payload: {
          code,
          kind: 'shopify',
          name: 'Cross-border shop',
          apiUrl: 'https://cb-shop.myshopify.com',
          credentials: { accessToken: 'shpat_x' },
          currency: 'CNY',
          warehouses: [wh.code],
        },
      })
    ).json();
    const rule = await createRule(t(), {
      name: `channel ${code}`,
      scope: { country: 'CN', channels: [code] },
      conditions: { currency: 'CNY', yearlyValueLimit: 5000, restrictedSkus: [banned!.sku] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const hooks = t().app.services.orderHooks;
    const receive = (sku: string, quantity: number) =>
      receiveChannelOrder({ db: t().db, orderHooks: hooks }, channel, {
        externalId: `ext-${newId()}`,
        updatedAt: '2026-12-06T01:00:00Z',
        createdAt: '2026-12-06T01:00:00Z',
        status: 'open',
        paid: true,
        currency: 'CNY',
        lines: [{ channelSku: sku, title: 'x', quantity, unitPrice: 1000 }],
        shippingTotal: 0,
        discountTotal: 0,
        taxTotal: 0,
        grandTotal: 1000 * quantity,
        customer: { email: 'tmall-buyer@example.cn', name: 'Li Lei' },
        shippingAddress: { name: 'Li Lei', country: 'CN', city: 'Hangzhou', line1: '1 Wensan Road' },
      });
    expect((await receive(item!.sku, 4)).outcome).toBe('placed');
    const over = await receive(item!.sku, 2);
    expect(over).toMatchObject({ outcome: 'held', orderId: null });
    expect(over.holdReason).toContain(`channel ${code}`);
    const banned1 = await receive(banned!.sku, 1);
    expect(banned1).toMatchObject({ outcome: 'held' });
    expect(banned1.holdReason).toContain(banned!.sku);
    expect(await ledgerTotal(t(), rule.json().id)).toBe(4000);
  });
});
