import { sql } from 'kysely';
import type { Role } from '../../platform/auth/roles.js';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { AppError } from '../../platform/errors.js';
import type { OrderRow, StatementWrites } from './orders.repository.js';

/**
 * An order about to be placed, as a check at placement sees it (compliance's market rules): priced,
 * nothing written yet. `value` is what a line costs the buyer (after its discount, with its tax).
 */
export interface OrderPlacement {
  channel: string;
  currency: string;
  paymentMethod: string;
  at: Date;
  customer: { email: string; name: string | null; phone: string | null };
  /** The buyer's identity document, when the order carries one (cross-border orders into China). */
  buyerIdentity: { name: string; idNumber: string } | undefined;
  lines: {
    sku: string;
    categoryId: string | null;
    value: number;
    destination: {
      country: string;
      province: string | null;
      district: string | null;
      postalCode: string | null;
    };
  }[];
  grandTotal: number;
}

/**
 * What a check adds to the order's one statement (a ledger's conditional update, its own rows), and
 * how it reads a refusal of that statement: an AppError to answer, or undefined when it is not its own.
 */
export interface PlacementWrites extends StatementWrites {
  refusal(error: unknown): AppError | undefined;
}

/** A check at placement: throws an AppError to refuse (nothing written yet), or adds writes. */
export type PlacementCheck = (conn: Conn, placement: OrderPlacement) => Promise<PlacementWrites | undefined>;

/**
 * Where modules that build on orders plug in, wired once in app.ts. Orders does not import them:
 * payments, fulfilment and after-sales depend on orders, never the other way round.
 */
export interface OrderHooks {
  /**
   * Runs on every placement path (POST /v1/orders, cart checkout, flash sales, channel orders) after
   * pricing and before the stock plan; its writes go into the order's own statement.
   */
  onPlacing: PlacementCheck[];
  /** Runs inside the cancelling transaction, after stock is released (e.g. refund what was paid). */
  onCancelled: Array<(trx: Trx, order: OrderRow, actor: string) => Promise<void>>;
  /** Runs inside the delivering transaction, after the order became delivered (e.g. collect COD cash). */
  onDelivered: Array<(trx: Trx, order: OrderRow, actor: string) => Promise<void>>;
  /**
   * Adds sections to GET /v1/orders/{id} (payments, shipments, returns), given the role that reads
   * it (undefined: OrderSync itself), so that a section for staff can answer nothing to a buyer.
   */
  detailSections: Array<(db: Conn, orderId: string, viewer?: Role) => Promise<Record<string, unknown>>>;
}

export const NO_ORDER_HOOKS: OrderHooks = {
  onPlacing: [],
  onCancelled: [],
  onDelivered: [],
  detailSections: [],
};

/**
 * Runs the placement checks and joins their writes into one (undefined when none adds any), with a
 * refusal reader that asks each in turn.
 */
export async function checkPlacement(
  conn: Conn,
  checks: readonly PlacementCheck[],
  placement: OrderPlacement,
): Promise<PlacementWrites | undefined> {
  const all: PlacementWrites[] = [];
  for (const check of checks) {
    const writes = await check(conn, placement);
    if (writes) all.push(writes);
  }
  if (all.length <= 1) return all[0];
  return all.reduce((a, b) => ({
    ctes: sql`${a.ctes}, ${b.ctes}`,
    check: sql<boolean>`(${a.check} and ${b.check})`,
    events: [...(a.events ?? []), ...(b.events ?? [])],
    refusal: (error) => a.refusal(error) ?? b.refusal(error),
  }));
}
