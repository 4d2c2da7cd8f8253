import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { type ReasonCode, type ReasonGroup, reasonGroup } from './return-state.js';

export interface ReturnRule {
  region: string;
  reasonGroup: ReasonGroup;
  windowDays: number;
}

/** The region's own rule, or the default ('*'). */
export async function findReturnRule(db: Conn, region: string, group: ReasonGroup): Promise<ReturnRule> {
  const rows = await db
    .selectFrom('return_rules')
    .selectAll()
    .where('region', 'in', [region, '*'])
    .where('reason_group', '=', group)
    .execute();
  const row = rows.find((r) => r.region === region) ?? rows.find((r) => r.region === '*');
  return { region: row?.region ?? '*', reasonGroup: group, windowDays: row?.window_days ?? 7 };
}

export async function listReturnRules(db: Conn): Promise<ReturnRule[]> {
  const rows = await db
    .selectFrom('return_rules')
    .selectAll()
    .orderBy('region')
    .orderBy('reason_group')
    .execute();
  return rows.map((r) => ({ region: r.region, reasonGroup: r.reason_group, windowDays: r.window_days }));
}

export async function upsertReturnRule(db: Conn, rule: ReturnRule): Promise<void> {
  await db
    .insertInto('return_rules')
    .values({ region: rule.region, reason_group: rule.reasonGroup, window_days: rule.windowDays })
    .onConflict((oc) => oc.columns(['region', 'reason_group']).doUpdateSet({ window_days: rule.windowDays }))
    .execute();
}

/** Refuses (422, naming the rule) a request past its window; pure, so the rule is tested alone. */
export function assertWithinWindow(rule: ReturnRule, reason: ReasonCode, deliveredAt: Date, now: Date): void {
  const deadline = new Date(deliveredAt.getTime() + rule.windowDays * 86_400_000);
  if (now <= deadline) return;
  const name = `${rule.region}/${rule.reasonGroup}`;
  throw new AppError(
    'unprocessable',
    `Outside the return window: rule ${name} allows ${rule.windowDays} days after delivery for ${reason} (delivered ${deliveredAt.toISOString()}, deadline ${deadline.toISOString()})`,
    { rule: { name, ...rule, deliveredAt: deliveredAt.toISOString(), deadline: deadline.toISOString() } },
  );
}

/**
 * Shipping is given back only when the seller is at fault or nothing ships at all: a quality
 * return that leaves the buyer with none of the order's goods, or a refund-only before shipment
 * that cancels everything still to ship while nothing has shipped. Never twice.
 */
export function shippingRefund(input: {
  reason: ReasonCode;
  beforeShipment: boolean;
  coversEverything: boolean;
  nothingShipped: boolean;
  orderShipping: number;
  alreadyRefunded: number;
}): number {
  const left = Math.max(0, input.orderShipping - input.alreadyRefunded);
  if (left === 0 || !input.coversEverything) return 0;
  if (input.beforeShipment) return input.nothingShipped ? left : 0;
  return reasonGroup(input.reason) === 'quality' ? left : 0;
}
