import { describe, expect, it } from 'vitest';
import { CHINA_CROSS_BORDER_RULE } from '../../src/modules/compliance/index.js';
import { newId } from '../../src/platform/ids.js';
import { createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { useTestApp } from '../helpers/test-app.js';
import { createRule, ledgerTotal, residentId } from './market-rules-kit.js';

const t = useTestApp();
const LIMIT = CHINA_CROSS_BORDER_RULE.conditions.yearlyValueLimit;

describe('market rules under concurrent orders', () => {
  it('one person’s 50 concurrent orders never together pass the yearly limit, and the ledger says what was accepted', async () => {
    const rule = (await createRule(t(), CHINA_CROSS_BORDER_RULE)).json();
    const items = await createProduct(t(), [70_000, 130_000, 99_900]);
    const wh = await createWarehouse(t());
    for (const item of items) await setStock(t(), item.sku, wh.code, 500);
    const idNumber = residentId('31010419800101123');
    // One person, many e-mail addresses: the limit follows the identity document.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t().request({
          method: 'POST',
          url: '/v1/orders',
          payload: orderBody([{ sku: items[i % 3]!.sku, quantity: 1 + (i % 2) }], {
            channel: 'cross-border',
            customer: { email: `same-person-${i}@example.cn`, name: 'Wang Fang' },
            buyerIdentity: { name: 'Wang Fang', idNumber },
          }),
        }),
      ),
    );
    const accepted = answers.filter((a) => a.statusCode === 201).map((a) => a.json());
    const refused = answers.filter((a) => a.statusCode !== 201);
    for (const r of refused)
      expect(r.json(), r.body).toMatchObject({ reason: 'yearly_value_limit', rule: { id: rule.id } });
    const sum = accepted.reduce((s, o) => s + o.totals.grandTotal, 0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(sum).toBeLessThanOrEqual(LIMIT);
    expect(await ledgerTotal(t(), rule.id)).toBe(sum);
    const charged = await t()
      .db.selectFrom('compliance_order_charges')
      .select(['order_id', 'amount'])
      .where('rule_id', '=', rule.id)
      .execute();
    expect(charged.map((c) => c.order_id).sort()).toEqual(accepted.map((o) => o.id).sort());
    // A refusal was needed: the total only grows, so each refused order would still not fit.
    const prices = new Map(items.map((i) => [i.sku, i.price]));
    for (const [i, a] of answers.entries()) {
      if (a.statusCode === 201) continue;
      expect(sum + prices.get(items[i % 3]!.sku)! * (1 + (i % 2))).toBeGreaterThan(LIMIT);
    }
  });

  it('a rule saved by another process holds at once: the order statement finds the rules changed', async () => {
    const item = (await createProduct(t(), [10_000]))[0]!;
    const wh = await createWarehouse(t());
    await setStock(t(), item.sku, wh.code, 10);
    const place = () =>
      t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }], { channel: 'pos' }),
      });
    expect((await place()).statusCode).toBe(201); // this process has read the rules
    // As another process would save it: the rule and a new version, behind this process's back.
    const id = newId();
    await t()
      .db.insertInto('compliance_rules')
      .values({
        id,
        name: 'no pos orders to CN',
        country: 'CN',
        channels: ['pos'],
        active: true,
        description: null,
        province: null,
        conditions: JSON.stringify({ restrictedSkus: [item.sku] }),
      })
      .execute();
    await t().db.updateTable('compliance_rule_set').set({ version: newId() }).execute();
    const refused = await place();
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ rule: { id }, reason: 'restricted_sku' });
    // And removed behind its back: the refusal is confirmed against the rules in force first.
    await t().db.deleteFrom('compliance_rules').where('id', '=', id).execute();
    await t().db.updateTable('compliance_rule_set').set({ version: newId() }).execute();
    expect((await place()).statusCode).toBe(201);
  });
});
