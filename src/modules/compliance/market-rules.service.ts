import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, type FieldError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  bumpRuleSetVersion,
  countOutcomes,
  deleteRule,
  findRule,
  insertRule,
  listRules,
  lockRuleSet,
  type RuleRow,
  updateRule,
} from './market-rules.repository.js';
import type { MarketRule, RuleConditions, RuleInput, RuleScope } from './market-rules.schemas.js';
import type { MarketRules } from './market-rules-check.js';

export function toMarketRule(r: RuleRow): MarketRule {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    active: r.active,
    scope: {
      country: r.country,
      ...(r.province !== null ? { province: r.province } : {}),
      ...(r.channels !== null ? { channels: r.channels } : {}),
    },
    conditions: r.conditions,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const LIMITS = ['orderValueLimit', 'yearlyValueLimit', 'codLimit'] as const;

/** What a rule says that cannot hold or would never bind: refused at save, never at placement. */
function contradictions(c: RuleConditions): FieldError[] {
  const errors: FieldError[] = [];
  const at = (f: string, message: string) => errors.push({ field: `body.conditions.${f}`, message });
  const limits = LIMITS.filter((l) => c[l] !== undefined);
  const checks =
    limits.length +
    (c.requiredFields?.length ?? 0) +
    (c.restrictedSkus?.length ?? 0) +
    (c.restrictedCategories?.length ?? 0);
  if (checks === 0)
    errors.push({
      field: 'body.conditions',
      message: 'checks nothing: give a required field, a limit or a restriction',
    });
  if (limits.length && c.currency === undefined) at('currency', `is required with ${limits.join(', ')}`);
  if (!limits.length && c.currency !== undefined) at('currency', 'is given but the rule has no value limit');
  if (
    c.orderValueLimit !== undefined &&
    c.yearlyValueLimit !== undefined &&
    c.orderValueLimit > c.yearlyValueLimit
  )
    at('orderValueLimit', 'is above yearlyValueLimit, which no order could then pass');
  if (c.codLimit !== undefined && c.orderValueLimit !== undefined && c.codLimit > c.orderValueLimit)
    at('codLimit', 'is above orderValueLimit, so it would never apply');
  return errors;
}

const samePlace = (a: string | null | undefined, b: string | null | undefined) =>
  a == null || b == null || a.trim().toLowerCase() === b.trim().toLowerCase();

/** Two rules reach the same orders somewhere: same country, province and channels overlapping. */
function overlaps(a: RuleScope, b: RuleRow): boolean {
  return (
    a.country === b.country &&
    samePlace(a.province, b.province) &&
    (!a.channels || !b.channels || a.channels.some((ch) => b.channels!.includes(ch)))
  );
}

/**
 * A rule as it may be saved: consistent in itself, named uniquely, and not setting a limit that an
 * active rule reaching the same orders sets too (which of the two would hold?). Runs with the rule
 * set locked, so two saves at once cannot both pass.
 */
function assertSavable(input: RuleInput, self: string | undefined, others: RuleRow[]): void {
  const errors = contradictions(input.conditions);
  if (errors.length) throw new AppError('unprocessable', 'The rule contradicts itself', { errors });
  const named = others.find((r) => r.id !== self && r.name === input.name);
  if (named)
    throw new AppError('conflict', `A rule is already named "${input.name}"`, { rule: { id: named.id } });
  if (input.active === false) return;
  for (const other of others) {
    if (other.id === self || !other.active || !overlaps(input.scope, other)) continue;
    const both = LIMITS.filter((l) => input.conditions[l] !== undefined && other.conditions[l] !== undefined);
    if (both.length)
      throw new AppError(
        'conflict',
        `The rule overlaps "${other.name}", which sets ${both.join(', ')} for the same orders`,
        { rule: { id: other.id, name: other.name }, limits: both },
      );
  }
}

const columns = (input: RuleInput) => ({
  name: input.name,
  description: input.description ?? null,
  active: input.active ?? true,
  country: input.scope.country,
  province: input.scope.province ?? null,
  channels: input.scope.channels ?? null,
  conditions: JSON.stringify(input.conditions),
});

async function saved<T>(
  db: Db,
  marketRules: MarketRules,
  work: (trx: Trx, others: RuleRow[]) => Promise<T>,
): Promise<T> {
  const result = await inTransaction(db, async (trx) => {
    await lockRuleSet(trx);
    const out = await work(trx, await listRules(trx));
    await bumpRuleSetVersion(trx);
    return out;
  });
  marketRules.forget();
  return result;
}

export function createMarketRule(db: Db, marketRules: MarketRules, input: RuleInput): Promise<MarketRule> {
  return saved(db, marketRules, async (trx, others) => {
    assertSavable(input, undefined, others);
    const rule = toMarketRule(await insertRule(trx, { id: newId(), ...columns(input) }));
    await recordChange(trx, {
      action: 'market_rule.create',
      resource: 'market_rule',
      resourceId: rule.id,
      after: rule,
    });
    return rule;
  });
}

export function replaceMarketRule(
  db: Db,
  marketRules: MarketRules,
  id: string,
  input: RuleInput,
): Promise<MarketRule> {
  return saved(db, marketRules, async (trx, others) => {
    const before = others.find((r) => r.id === id);
    if (!before) throw notFound('Market rule', id);
    assertSavable(input, id, others);
    const rule = toMarketRule((await updateRule(trx, id, columns(input)))!);
    await recordChange(trx, {
      action: 'market_rule.update',
      resource: 'market_rule',
      resourceId: id,
      before: toMarketRule(before),
      after: rule,
    });
    return rule;
  });
}

/**
 * Deletes a rule. Its yearly totals stay (a rule made again is a new rule, counting from nothing):
 * to pause a rule and keep what it counted, save it with `active: false`.
 */
export function deleteMarketRule(db: Db, marketRules: MarketRules, id: string): Promise<void> {
  return saved(db, marketRules, async (trx) => {
    const before = await deleteRule(trx, id);
    if (!before) throw notFound('Market rule', id);
    await recordChange(trx, {
      action: 'market_rule.delete',
      resource: 'market_rule',
      resourceId: id,
      before: toMarketRule(before),
    });
  });
}

export async function listMarketRules(db: Db): Promise<MarketRule[]> {
  return (await listRules(db)).map(toMarketRule);
}

export async function getMarketRule(db: Db, id: string): Promise<MarketRule> {
  const row = await findRule(db, id);
  if (!row) throw notFound('Market rule', id);
  return toMarketRule(row);
}

/** Orders per rule and outcome in [from, to): accepted (placed under the rule) and refused, by reason. */
export async function marketRulesReport(
  db: Db,
  marketRules: MarketRules,
  from: string | undefined,
  to: string | undefined,
) {
  if (from && to && new Date(from) >= new Date(to))
    throw invalid([{ field: 'querystring.to', message: 'must be after from' }]);
  await marketRules.writeRefusals();
  const rows = await countOutcomes(db, from ? new Date(from) : undefined, to ? new Date(to) : undefined);
  const byRule = new Map<
    string,
    {
      ruleId: string;
      name: string | null;
      accepted: number;
      refused: number;
      refusedBy: Record<string, number>;
    }
  >();
  for (const row of rows) {
    const entry = byRule.get(row.rule_id) ?? {
      ruleId: row.rule_id,
      name: row.name,
      accepted: 0,
      refused: 0,
      refusedBy: {},
    };
    const n = Number(row.n);
    if (row.outcome === 'accepted') entry.accepted += n;
    else {
      entry.refused += n;
      const reason = row.reason ?? 'unknown';
      entry.refusedBy[reason] = (entry.refusedBy[reason] ?? 0) + n;
    }
    byRule.set(row.rule_id, entry);
  }
  return { from: from ?? null, to: to ?? null, rules: [...byRule.values()] };
}
