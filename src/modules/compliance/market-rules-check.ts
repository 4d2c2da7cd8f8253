import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { pseudonym } from '../../platform/pseudonyms.js';
import type { OrderPlacement, OrderRow, PlacementWrites } from '../orders/index.js';
import { decide, type LoadedRule, type Refusal, yearlyMessage } from './market-rules.js';
import {
  currentVersion,
  loadRuleSet,
  RULES_CHANGED,
  releaseCharges,
  ruleWrites,
  YEARLY_LIMIT,
} from './market-rules.repository.js';
import { RefusalWriter } from './refusal-writer.js';

type RuleSet = { version: string; rules: LoadedRule[] };

/**
 * The active rules, held in memory so that a placement reads none of them. Correct across processes
 * without a time to live: the order's statement checks the version the rules were read at
 * (RULES_CHANGED), and a refusal is confirmed against the current version before it is answered.
 * Placements that load at once share one read.
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

/**
 * The market rules of one database as a service (AppServices.marketRules): the rules read once, the
 * key of the ledger's pseudonyms (PSEUDONYM_KEY) and the refusals being counted. The order hooks, the
 * routes and the job of one process share it.
 */
export class MarketRules {
  readonly #cache = new RuleSetCache();
  readonly #pseudonymKey: string | undefined;
  readonly #refusals: RefusalWriter;

  constructor(db: Db, pseudonymKey: string | undefined) {
    this.#pseudonymKey = pseudonymKey;
    this.#refusals = new RefusalWriter(db);
  }

  /** A rule saved in this process: forget the rules at once (other processes learn it from the version). */
  forget(): void {
    this.#cache.forget();
  }

  /**
   * Waits for the refusals on their way, and writes again those whose write failed (the job, the
   * report, and the app's close: a refusal counted before a shutdown is in the next process's report).
   */
  writeRefusals(): Promise<number> {
    return this.#refusals.flush();
  }

  /**
   * The market rules at placement (OrderHooks.onPlacing): refuses an order a rule forbids, with the rule
   * and the reason, before anything is written; otherwise its writes go into the order's statement.
   */
  readonly check = async (conn: Conn, placement: OrderPlacement): Promise<PlacementWrites> => {
    const cache = this.#cache;
    let set = await cache.get(conn);
    const pseudonymize = (subject: string) => this.#pseudonym(subject);
    let decision = decide(set.rules, placement, pseudonymize);
    if (!decision.ok && (await currentVersion(conn)) !== set.version) {
      // Refuse only by the rules in force: these may have changed in another process.
      cache.forget();
      set = await cache.get(conn);
      decision = decide(set.rules, placement, pseudonymize);
    }
    if (!decision.ok) throw this.#refused(decision.refusal);
    const writes = ruleWrites(
      set.version,
      decision.applied,
      decision.charges,
      decision.keepIdentity ? placement.buyerIdentity : undefined,
    );
    const rules = set.rules;
    return {
      ...writes,
      refusal: (error) => {
        const e = error as { code?: string; message?: string };
        if (e.message === RULES_CHANGED) {
          // the statement is retried (a serialization failure): with the rules read again
          cache.forgetVersion(set.version);
          return undefined;
        }
        if (e.code !== 'P0001' || !e.message?.startsWith(YEARLY_LIMIT)) return undefined;
        const rule = rules.find((r) => r.id === e.message!.slice(YEARLY_LIMIT.length));
        if (!rule) return undefined;
        return this.#refused({
          rule,
          reason: 'yearly_value_limit',
          message: yearlyMessage(rule.conditions.yearlyValueLimit!, rule.conditions.currency!),
        });
      },
    };
  };

  #pseudonym(subject: string): string {
    if (!this.#pseudonymKey) {
      throw new AppError(
        'service_unavailable',
        'PSEUDONYM_KEY is not set: an order counted against a market rule’s yearly limit cannot be recorded without it',
      );
    }
    return pseudonym(this.#pseudonymKey, subject);
  }

  #refused(r: Pick<Refusal, 'reason' | 'message' | 'field'> & { rule: Pick<LoadedRule, 'id' | 'name'> }) {
    this.#refusals.count({ ruleId: r.rule.id, reason: r.reason, at: new Date() });
    return new AppError('market_rule_refused', `Refused by market rule "${r.rule.name}": ${r.message}`, {
      rule: { id: r.rule.id, name: r.rule.name },
      reason: r.reason,
      ...(r.field ? { errors: [{ field: `body.${r.field}`, message: r.message }] } : {}),
    });
  }
}

/** OrderHooks.onCancelled: a cancelled order (never past shipment) gives back what it counted. */
export async function releaseMarketRuleCharges(trx: Trx, order: OrderRow): Promise<void> {
  await releaseCharges(trx, order.id);
}
