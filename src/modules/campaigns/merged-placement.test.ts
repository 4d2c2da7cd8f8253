import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buy, buyBody, campaign } from '../../../test/helpers/campaigns.js';
import { reservedUnits, stockedSku } from '../../../test/helpers/factories.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { registry } from '../../platform/metrics.js';
import type { Order } from '../orders/index.js';
import { findCampaign } from './campaigns.repository.js';
import type { BuyInput } from './campaigns.schemas.js';
import { type CampaignOrderRequest, MergedPlacement } from './merged-placement.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

async function merged(): Promise<number> {
  const metric = await registry.getSingleMetric('ordersync_campaign_orders_merged_total')!.get();
  return metric.values[0]?.value ?? 0;
}

// FlashSales merges orders on PostgreSQL only; on PGlite each goes alone (the other tests cover that).
describe.skipIf(onPglite)('flash-sale orders merged into one transaction (PostgreSQL)', () => {
  const t = useTestApp();

  it('sells exactly the allotment and the stock to concurrent buyers, in batches', async () => {
    const before = await merged();
    const s = await stockedSku(t(), 25);
    const c = await campaign(t(), s.sku, 40);
    const codes = (await Promise.all(Array.from({ length: 120 }, (_, n) => buy(t(), c.id, n)))).map(
      (r) => r.statusCode,
    );
    expect(codes.filter((x) => x === 201)).toHaveLength(25);
    expect(codes.filter((x) => x === 409)).toHaveLength(95);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 25, onHand: 25 });
    expect(await merged()).toBeGreaterThan(before);
  });

  it('holds a buyer who comes several times at once to the limit', async () => {
    const s = await stockedSku(t(), 50);
    const c = await campaign(t(), s.sku, 50);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => buy(t(), c.id, n % 3 === 0 ? 'eager' : n)),
    );
    const eager = answers.filter((_, n) => n % 3 === 0);
    expect(eager.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of eager.filter((r) => r.statusCode !== 201)) expect(r.json().code).toBe('limit_reached');
    expect(answers.filter((r) => r.statusCode === 201)).toHaveLength(21);
  });
});

describe('merging orders of one campaign', () => {
  const t = useTestApp();
  const email = (r: CampaignOrderRequest) => r.input.customer.email;

  /** Places through `within` what comes together; `fails` makes that buyer's statement fail in PostgreSQL. */
  async function placeTogether(buyers: string[], fails?: string) {
    const s = await stockedSku(t(), 10);
    const row = (await findCampaign(t().db, (await campaign(t(), s.sku, 10)).id))!;
    const alone: string[] = [];
    const within: string[] = [];
    const placement = new MergedPlacement(t().db, {
      async alone(_c, r) {
        alone.push(email(r));
        return { id: email(r) } as unknown as Order;
      },
      async within(trx, _c, r) {
        within.push(email(r));
        if (email(r) === `buyer${fails}@example.com`) await sql`select 1 / 0`.execute(trx);
        return { id: email(r) } as unknown as Order;
      },
    });
    const orders = await Promise.all(
      buyers.map((n) => placement.place(row, { input: buyBody(n) as BuyInput, actor: 'test' })),
    );
    return { placed: orders.map((o) => o.id), alone, within };
  }

  it('sends the first order alone and the ones that came meanwhile together', async () => {
    const { placed, alone, within } = await placeTogether(['first', 'x', 'y', 'z']);
    expect(placed).toEqual(['first', 'x', 'y', 'z'].map((n) => `buyer${n}@example.com`));
    expect(alone).toEqual(['buyerfirst@example.com']);
    expect(within).toEqual(['buyerx@example.com', 'buyery@example.com', 'buyerz@example.com']);
  });

  it('places a batch one by one when a statement in it fails', async () => {
    const { placed, alone, within } = await placeTogether(['first', 'x', 'bad', 'y'], 'bad');
    expect(placed).toEqual(['first', 'x', 'bad', 'y'].map((n) => `buyer${n}@example.com`));
    expect(within).toEqual(['buyerx@example.com', 'buyerbad@example.com']);
    expect(alone.sort()).toEqual([
      'buyerbad@example.com',
      'buyerfirst@example.com',
      'buyerx@example.com',
      'buyery@example.com',
    ]);
  });
});
