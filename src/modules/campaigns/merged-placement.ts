import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { campaignOrdersMerged } from '../../platform/metrics.js';
import { LockedStock } from '../inventory/index.js';
import type { Order } from '../orders/index.js';
import { buyerOf } from './campaign-views.js';
import { type CampaignRow, listCustomerUnits, lockCampaign } from './campaigns.repository.js';
import type { BuyInput } from './campaigns.schemas.js';
import { REFUSALS } from './refusals.js';

export interface CampaignOrderRequest {
  input: BuyInput;
  actor: string;
  /** The queued intake's ticket the order settles. */
  ticketId?: string;
  /** The hash of the access token the ticket's buyer holds (see newOrderAccessToken). */
  accessTokenHash?: string;
}

/** How FlashSales places one campaign order, by itself or inside a merged batch. */
export interface PlaceOne {
  /** Its own statement decides every rule (the campaign's count, the buyer's, the stock). */
  alone(c: CampaignRow, request: CampaignOrderRequest): Promise<Order>;
  /**
   * Inside a batch's transaction, the campaign row locked, planning from the batch's stock. An
   * AppError means refused before anything was written (out of stock); any other error leaves the
   * transaction unusable.
   */
  within(
    trx: Trx,
    c: CampaignRow,
    request: CampaignOrderRequest,
    now: Date,
    stock: LockedStock,
  ): Promise<Order>;
}

type Outcome = { order: Order } | { error: AppError };

interface Waiting extends CampaignOrderRequest {
  resolve(order: Order): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 64;

/**
 * Request merging for flash sales. Every winner of a sale writes the same two rows (the SKU's stock
 * and the campaign's count); placed one by one, each order holds them until its commit and the
 * others queue behind it, so a hot SKU sold at the rate of commits. Here an order that finds none of
 * its campaign's in the database goes alone, as before; the ones arriving meanwhile wait and then go
 * in together: the campaign row and the SKU's stock read and locked once, each order's statement, one
 * commit.
 *
 * The batch turns away what it can see from the locked row and the buyers' counts (sold out, over the
 * limit) without writing; each order's statement still checks every rule. If any statement fails,
 * the batch rolls back and its orders are placed one by one the ordinary way: a batch is never less
 * exact than single orders, only faster.
 */
export class MergedPlacement {
  /** Orders waiting per campaign while a batch of it is in the database. */
  readonly #waiting = new Map<string, Waiting[]>();

  constructor(
    private readonly db: Db,
    private readonly one: PlaceOne,
  ) {}

  place(c: CampaignRow, request: CampaignOrderRequest): Promise<Order> {
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(c.id);
      if (waiting) {
        waiting.push({ ...request, resolve, reject });
        return;
      }
      this.#waiting.set(c.id, []);
      void this.#drain(c, { ...request, resolve, reject });
    });
  }

  async #drain(c: CampaignRow, first: Waiting): Promise<void> {
    const waiting = this.#waiting.get(c.id)!;
    try {
      await settle(first, () => this.one.alone(c, first));
      while (waiting.length > 0) await this.#together(c, waiting.splice(0, MAX_BATCH));
    } finally {
      this.#waiting.delete(c.id);
      for (const w of waiting.splice(0)) w.reject(new Error('The campaign order was not placed'));
    }
  }

  async #together(c: CampaignRow, batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, () => this.one.alone(c, batch[0]!));
    let outcomes: Outcome[];
    try {
      outcomes = await inTransaction(this.db, (trx) => this.#placeAll(trx, c, batch));
    } catch {
      // A rule only a single order's statement can name, or a fault: one by one, the ordinary way.
      await Promise.all(batch.map((w) => settle(w, () => this.one.alone(c, w))));
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i]!;
      if ('order' in outcome) w.resolve(outcome.order);
      else w.reject(outcome.error);
    });
    campaignOrdersMerged.inc(outcomes.filter((o) => 'order' in o).length);
  }

  async #placeAll(trx: Trx, c: CampaignRow, batch: Waiting[]): Promise<Outcome[]> {
    const now = new Date();
    const campaign = await lockCampaign(trx, c.id);
    if (now < campaign.starts_at || now >= campaign.ends_at) {
      const refusal = now < campaign.starts_at ? REFUSALS.not_started! : REFUSALS.ended!;
      return batch.map(() => ({ error: refusal() }));
    }
    const buyers = batch.map((w) => buyerOf(w.input));
    const customers = [...new Set(buyers.map((b) => b.customer))];
    const bought = new Map(
      (await listCustomerUnits(trx, c.id, customers)).map((r) => [r.customer, r.quantity]),
    );
    let sold = campaign.sold;
    // The SKU's stock is read (and locked) by the first order and then followed in memory.
    const stock = new LockedStock();
    const outcomes: Outcome[] = [];
    for (const [i, w] of batch.entries()) {
      const { customer, quantity } = buyers[i]!;
      const already = bought.get(customer) ?? 0;
      if (already + quantity > campaign.per_customer_limit) {
        outcomes.push({ error: REFUSALS.limit_reached!() });
      } else if (sold + quantity > campaign.allotted) {
        outcomes.push({ error: REFUSALS.sold_out!() });
      } else {
        try {
          outcomes.push({ order: await this.one.within(trx, c, w, now, stock) });
          sold += quantity;
          bought.set(customer, already + quantity);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          outcomes.push({ error });
        }
      }
    }
    return outcomes;
  }
}

async function settle(w: Waiting, place: () => Promise<Order>): Promise<void> {
  try {
    w.resolve(await place());
  } catch (error) {
    w.reject(error);
  }
}
