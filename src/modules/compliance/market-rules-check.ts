import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { pseudonym } from '../../platform/pseudonyms.js';
import type { OrderPlacement, OrderRow, PlacementWrites } from '../orders/index.js';
import { decide, type LoadedRule, type Refusal, yearlyMessage } from './market-rules.js';
import {
  currentVersion,
  insertRefusals,
  loadRuleSet,
  RULES_CHANGED,
  releaseCharges,
  ruleWrites,
  YEARLY_LIMIT,
} from './market-rules.repository.js';

type RuleSet = { version: string; rules: LoadedRule[] };

/**
 * The active rules, held in memory so that a placement reads none of them. Correct across processes
 * without a time to live: the order's statement checks the version the rules were read at
 * (RULES_CHANGED), and a refusal is confirmed against the current version before it is answered.
 * One per database; placements that load at once share one read.
 */
class RuleSetCache {
  #loaded: Promise<RuleSet> | undefined;
  /** The version #loaded holds, once read. */
  #version: string | undefined;

  get(db: Conn): Promise<RuleSet> {
    if (this.#loaded) return this.#loaded;
    const loaded = loadRuleSet(db);
    this.#loaded = loaded;
    this.#version = undefined;
    loaded.then(
      (set) => {
        if (this.#loaded === loaded) this.#version = set.version;
      },
      () => {
        if (this.#loaded === loaded) this.#loaded = undefined;
      },
    );
    return loaded;
  }

  forget(): void {
    this.#loaded = undefined;
    this.#version = undefined;
  }

  /** Forgets the rules read at `version` only: placements that failed on it must not drop a newer read. */
  forgetVersion(version: string): void {
    if (this.#version === version) this.forget();
  }
}

type RefusalRow = { ruleId: string; reason: string; at: Date };

/**
 * The rules of one database, its pseudonym key, and the refusals being written to it; found from any
 * connection to it, a transaction's too (they share the database's dialect adapter). A process has one
 * database; the tests open several.
 */
interface DatabaseState {
  cache: RuleSetCache;
  /** The database itself (given with the key): a refusal is written there, not in the placement. */
  db: Db | undefined;
  pseudonymKey: string | undefined;
  /** Refusal rows on their way to compliance_outcomes, and those whose write failed (retried). */
  writing: Set<Promise<void>>;
  failed: RefusalRow[];
}
const databases = new WeakMap<object, DatabaseState>();
function stateOf(conn: Conn): DatabaseState {
  const key = conn.getExecutor().adapter;
  const known = databases.get(key);
  if (known) return known;
  const state: DatabaseState = {
    cache: new RuleSetCache(),
    db: undefined,
    pseudonymKey: undefined,
    writing: new Set(),
    failed: [],
  };
  databases.set(key, state);
  return state;
}

/**
 * The database and the key of the ledger's pseudonyms (PSEUDONYM_KEY), given by the module's routes
 * and jobs, which have them: every process that places orders (serve, worker) makes one or the other.
 */
export function useMarketRules(db: Db, pseudonymKey: string | undefined): void {
  const state = stateOf(db);
  state.db = db;
  state.pseudonymKey = pseudonymKey;
}

function pseudonymizer(conn: Conn) {
  const state = stateOf(conn);
  return (subject: string) => {
    if (!state.pseudonymKey) {
      throw new AppError(
        'service_unavailable',
        'PSEUDONYM_KEY is not set: an order counted against a market rule’s yearly limit cannot be recorded without it',
      );
    }
    return pseudonym(state.pseudonymKey, subject);
  };
}

/**
 * Counts a refusal for the report, in compliance_outcomes at once, so every process and a restart see
 * it. Not in the placement's transaction, which the refusal rolls back: its own statement on the
 * database, not awaited, as the placement holds its connection (PGlite's only one) until it answers;
 * it runs as soon as that connection is free. A write that fails is kept and retried by the job.
 */
function countRefusal(state: DatabaseState, row: RefusalRow): void {
  if (!state.db) {
    state.failed.push(row); // no database given yet (a placement before routes or jobs): the job writes it
    return;
  }
  const write = insertRefusals(state.db, [row]).catch(() => {
    state.failed.push(row);
  });
  state.writing.add(write);
  void write.finally(() => state.writing.delete(write));
}

/** A rule saved in this process: forget the rules at once (other processes learn it from the version). */
export const forgetMarketRules = (db: Db) => stateOf(db).cache.forget();

/** Waits for the refusals on their way, and writes again those whose write failed (the job, the report). */
export async function writeRefusals(db: Db): Promise<number> {
  const state = stateOf(db);
  await Promise.all(state.writing);
  const batch = state.failed.splice(0, state.failed.length);
  try {
    await insertRefusals(db, batch);
  } catch (error) {
    state.failed.unshift(...batch);
    throw error;
  }
  return batch.length;
}

function refusalError(
  state: DatabaseState,
  r: Pick<Refusal, 'reason' | 'message' | 'field'> & { rule: Pick<LoadedRule, 'id' | 'name'> },
) {
  countRefusal(state, { ruleId: r.rule.id, reason: r.reason, at: new Date() });
  return new AppError('market_rule_refused', `Refused by market rule "${r.rule.name}": ${r.message}`, {
    rule: { id: r.rule.id, name: r.rule.name },
    reason: r.reason,
    ...(r.field ? { errors: [{ field: `body.${r.field}`, message: r.message }] } : {}),
  });
}

/**
 * The market rules at placement (OrderHooks.onPlacing): refuses an order a rule forbids, with the rule
 * and the reason, before anything is written; otherwise its writes go into the order's statement.
 */
export async function checkMarketRules(conn: Conn, placement: OrderPlacement): Promise<PlacementWrites> {
  const state = stateOf(conn);
  const { cache } = state;
  let set = await cache.get(conn);
  const pseudonymize = pseudonymizer(conn);
  let decision = decide(set.rules, placement, pseudonymize);
  if (!decision.ok && (await currentVersion(conn)) !== set.version) {
    // Refuse only by the rules in force: these may have changed in another process.
    cache.forget();
    set = await cache.get(conn);
    decision = decide(set.rules, placement, pseudonymize);
  }
  if (!decision.ok) throw refusalError(state, decision.refusal);
  const writes = ruleWrites(
    set.version,
    decision.applied,
    decision.charges,
    decision.keepIdentity ? placement.buyerIdentity : undefined,
  );
  const rules = set.rules;
  return {
    ...writes,
    refusal(error) {
      const e = error as { code?: string; message?: string };
      if (e.message === RULES_CHANGED) {
        // the statement is retried (a serialization failure): with the rules read again
        cache.forgetVersion(set.version);
        return undefined;
      }
      if (e.code !== 'P0001' || !e.message?.startsWith(YEARLY_LIMIT)) return undefined;
      const rule = rules.find((r) => r.id === e.message!.slice(YEARLY_LIMIT.length));
      if (!rule) return undefined;
      return refusalError(state, {
        rule,
        reason: 'yearly_value_limit',
        message: yearlyMessage(rule.conditions.yearlyValueLimit!, rule.conditions.currency!),
      });
    },
  };
}

/** OrderHooks.onCancelled: a cancelled order (never past shipment) gives back what it counted. */
export async function releaseMarketRuleCharges(trx: Trx, order: OrderRow): Promise<void> {
  await releaseCharges(trx, order.id);
}
