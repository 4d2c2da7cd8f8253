import { type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { placedOrderId } from '../orders/index.js';
import type { Charge, LoadedRule } from './market-rules.js';
import type { ComplianceRulesTable } from './market-rules.tables.js';

export type RuleRow = Selectable<ComplianceRulesTable>;

/** The refusal a yearly total raises inside the order's statement: `market_rule_yearly_limit:<rule id>`. */
export const YEARLY_LIMIT = 'market_rule_yearly_limit:';
/** The order's statement found the rules changed since this process read them (a serialization failure). */
export const RULES_CHANGED = 'market_rules_changed';

/** The active rules and the version they are, read together (one statement, one snapshot). */
export async function loadRuleSet(db: Conn): Promise<{ version: string; rules: LoadedRule[] }> {
  const { rows } = await sql<{ version: string; rules: LoadedRule[] | null }>`
    select s.version::text as version,
      (select json_agg(json_build_object('id', r.id, 'name', r.name, 'country', r.country,
         'province', r.province, 'channels', r.channels, 'conditions', r.conditions) order by r.name, r.id)
       from compliance_rules r where r.active) as rules
    from compliance_rule_set s where s.id = 1
  `.execute(db);
  const row = rows[0]!;
  return { version: row.version, rules: row.rules ?? [] };
}

export async function currentVersion(db: Conn): Promise<string> {
  const row = await db
    .selectFrom('compliance_rule_set')
    .select(sql<string>`version::text`.as('version'))
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return row.version;
}

/** Locks the rule set for a change (saves queue here, so overlap checks see each other) and bumps its version. */
export async function lockRuleSet(trx: Trx): Promise<void> {
  await trx.selectFrom('compliance_rule_set').select('id').where('id', '=', 1).forUpdate().execute();
}

export async function bumpRuleSetVersion(trx: Trx): Promise<void> {
  await trx.updateTable('compliance_rule_set').set({ version: newId() }).where('id', '=', 1).execute();
}

export async function listRules(db: Conn): Promise<RuleRow[]> {
  return db.selectFrom('compliance_rules').selectAll().orderBy('name').orderBy('id').execute();
}

export async function findRule(db: Conn, id: string): Promise<RuleRow | undefined> {
  return db.selectFrom('compliance_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertRule(trx: Trx, row: Insertable<ComplianceRulesTable>): Promise<RuleRow> {
  return trx.insertInto('compliance_rules').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateRule(
  trx: Trx,
  id: string,
  row: Omit<Insertable<ComplianceRulesTable>, 'id'>,
): Promise<RuleRow | undefined> {
  return trx
    .updateTable('compliance_rules')
    .set({ ...row, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteRule(trx: Trx, id: string): Promise<RuleRow | undefined> {
  return trx.deleteFrom('compliance_rules').where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * The rules' writes in the order's own statement: that the rules this process decided by are still
 * the rules (else a serialization failure, and the placement is tried again with fresh ones); each
 * yearly total counted with a conditional upsert that only counts while under the limit (as stock),
 * the check refusing the whole order otherwise; what the order counted (given back on cancel); the
 * outcome per applied rule; and the identity document when a rule asked for it.
 *
 *   market_rule_total_0 as (insert into compliance_yearly_totals values ($rule, $person, $year, $x)
 *     on conflict (rule_id, person_key, year) do update set used = used + excluded.used
 *     where used + excluded.used <= $limit returning 1)
 *   … ordersync_refuse_unless(exists (select 1 from market_rule_total_0), 'market_rule_yearly_limit:<id>') …
 */
export function ruleWrites(
  version: string,
  applied: readonly LoadedRule[],
  charges: readonly Charge[],
  identity: { name: string; idNumber: string } | undefined,
): { ctes: RawBuilder<unknown>; check: RawBuilder<boolean> } {
  const orderId = sql`(${placedOrderId})`;
  const ctes: RawBuilder<unknown>[] = [
    sql`market_rules_version as (select version from compliance_rule_set where id = 1)`,
  ];
  const checks: RawBuilder<boolean>[] = [
    sql<boolean>`ordersync_assert((select version from market_rules_version) = ${version}::uuid, ${RULES_CHANGED})`,
  ];
  if (applied.length) {
    const outcomes = applied.map((r) => ({ id: newId(), rule_id: r.id }));
    ctes.push(sql`market_rule_outcomes as (
      insert into compliance_outcomes (id, rule_id, order_id, outcome)
      select x.id, x.rule_id, ${orderId}, 'accepted'
      from json_to_recordset(${JSON.stringify(outcomes)}::json) as x(id uuid, rule_id uuid))`);
  }
  charges.forEach((c, i) => {
    const total = `market_rule_total_${i}`;
    ctes.push(sql`${sql.raw(total)} as (
      insert into compliance_yearly_totals as t (rule_id, person_key, year, used)
      select ${c.rule.id}::uuid, ${c.personKey}, ${c.year}::smallint, ${c.amount}::bigint
      where ${c.amount}::bigint <= ${c.limit}::bigint
      on conflict (rule_id, person_key, year) do update set used = t.used + excluded.used
      where t.used + excluded.used <= ${c.limit}::bigint
      returning 1)`);
    checks.push(
      sql<boolean>`ordersync_refuse_unless(exists (select 1 from ${sql.table(total)}), ${YEARLY_LIMIT + c.rule.id})`,
    );
  });
  if (charges.length) {
    const rows = charges.map((c) => ({
      rule_id: c.rule.id,
      person_key: c.personKey,
      year: c.year,
      amount: c.amount,
    }));
    ctes.push(sql`market_rule_charges as (
      insert into compliance_order_charges (order_id, rule_id, person_key, year, amount)
      select ${orderId}, x.rule_id, x.person_key, x.year, x.amount
      from json_to_recordset(${JSON.stringify(rows)}::json) as x(rule_id uuid, person_key text, year smallint, amount bigint))`);
  }
  if (identity) {
    ctes.push(sql`market_rule_identity as (
      insert into compliance_buyer_identities (order_id, name, id_number)
      values (${orderId}, ${identity.name}, ${identity.idNumber.toUpperCase()}))`);
  }
  return { ctes: sql.join(ctes, sql`, `), check: sql<boolean>`(${sql.join(checks, sql` and `)})` };
}

/** A cancelled order gives back what it counted against yearly limits (once: its charges go with it). */
export async function releaseCharges(trx: Trx, orderId: string): Promise<void> {
  await sql`
    with c as (delete from compliance_order_charges where order_id = ${orderId}
               returning rule_id, person_key, year, amount)
    update compliance_yearly_totals t set used = t.used - c.amount
    from c where t.rule_id = c.rule_id and t.person_key = c.person_key and t.year = c.year
  `.execute(trx);
}

export async function insertRefusals(
  db: Conn,
  refusals: readonly { ruleId: string; reason: string; at: Date }[],
): Promise<void> {
  if (!refusals.length) return;
  await db
    .insertInto('compliance_outcomes')
    .values(
      refusals.map((r) => ({
        id: newId(),
        rule_id: r.ruleId,
        order_id: null,
        outcome: 'refused' as const,
        reason: r.reason,
        at: r.at,
      })),
    )
    .execute();
}

/** Outcomes per rule and reason in [from, to). */
export async function countOutcomes(db: Conn, from: Date | undefined, to: Date | undefined) {
  let q = db
    .selectFrom('compliance_outcomes as x')
    .leftJoin('compliance_rules as r', 'r.id', 'x.rule_id')
    .select(['x.rule_id', 'r.name', 'x.outcome', 'x.reason', sql<string>`count(*)`.as('n')])
    .groupBy(['x.rule_id', 'r.name', 'x.outcome', 'x.reason']);
  if (from) q = q.where('x.at', '>=', from);
  if (to) q = q.where('x.at', '<', to);
  return q.orderBy('r.name').orderBy('x.rule_id').execute();
}

export async function findBuyerIdentity(db: Conn, orderId: string) {
  return db
    .selectFrom('compliance_buyer_identities')
    .select(['name', 'id_number'])
    .where('order_id', '=', orderId)
    .executeTakeFirst();
}

export async function findYearlyTotal(db: Conn, ruleId: string, personKey: string, year: number) {
  const row = await db
    .selectFrom('compliance_yearly_totals')
    .select('used')
    .where('rule_id', '=', ruleId)
    .where('person_key', '=', personKey)
    .where('year', '=', year)
    .executeTakeFirst();
  return row ? Number(row.used) : 0;
}
