import { type RawBuilder, sql } from 'kysely';
import type { Promotion } from './pricing.schemas.js';
import type { AppliedPromotion } from './promotions.js';

/** The refusal a promotion's count raises inside the order's statement: `promotion_used_up:<id>`. */
export const USED_UP = 'promotion_used_up:';
export const CUSTOMER_LIMIT = 'promotion_customer_limit:';

/**
 * The counts of the limited promotions an order applied, written in the order's own statement (as
 * stock is): each a conditional update that only counts while under the limit, the check refusing
 * the whole order otherwise. The promotion's row is locked only while that statement commits, so
 * 1,000 buyers of a 100-use coupon make exactly 100 orders.
 *
 *   promotion_used_0 as (update promotions set used = used + 1
 *     where id = $id and used < usage_limit returning 1),
 *   promotion_customer_0 as (insert into promotion_customer_uses values ($id, $customer, 1)
 *     on conflict (promotion_id, customer) do update set uses = promotion_customer_uses.uses + 1
 *     where promotion_customer_uses.uses < $limit returning 1)
 *   … ordersync_refuse_unless(exists (select 1 from promotion_used_0), 'promotion_used_up:<id>') …
 */
export function promotionUseWrites(
  applied: readonly AppliedPromotion[],
  rules: readonly Promotion[],
  customer: string,
): { ctes: RawBuilder<unknown>; check: RawBuilder<boolean> } | undefined {
  const ctes: RawBuilder<unknown>[] = [];
  const checks: RawBuilder<boolean>[] = [];
  const refuseUnless = (cte: string, reason: string) =>
    sql<boolean>`ordersync_refuse_unless(exists (select 1 from ${sql.table(cte)}), ${reason})`;
  applied.forEach((a, i) => {
    const p = rules.find((r) => r.id === a.id);
    if (!p) return;
    // Only limited promotions are counted: an unlimited one's row would otherwise be a lock every
    // checkout queues on.
    if (p.usageLimit !== null) {
      ctes.push(sql`${sql.raw(`promotion_used_${i}`)} as (
        update promotions set used = used + 1
        where id = ${p.id} and used < usage_limit
        returning 1)`);
      checks.push(refuseUnless(`promotion_used_${i}`, `${USED_UP}${p.id}`));
    }
    if (p.perCustomerLimit !== null) {
      ctes.push(sql`${sql.raw(`promotion_customer_${i}`)} as (
        insert into promotion_customer_uses (promotion_id, customer, uses) values (${p.id}, ${customer}, 1)
        on conflict (promotion_id, customer) do update set uses = promotion_customer_uses.uses + 1
        where promotion_customer_uses.uses < ${p.perCustomerLimit}
        returning 1)`);
      checks.push(refuseUnless(`promotion_customer_${i}`, `${CUSTOMER_LIMIT}${p.id}`));
    }
  });
  if (ctes.length === 0) return undefined;
  return { ctes: sql.join(ctes, sql`, `), check: sql<boolean>`(${sql.join(checks, sql` and `)})` };
}
