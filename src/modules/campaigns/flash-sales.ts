import type { Config } from '../../platform/config.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { toProblem } from '../../platform/http/problem.js';
import { newId } from '../../platform/ids.js';
import { configuredPaymentMethods } from '../../platform/provider-config.js';
import { resolveSkus, type SkuLookup } from '../catalog/index.js';
import type { LockedStock } from '../inventory/index.js';
import {
  newOrderAccessToken,
  type Order,
  type PlacedOrderResult,
  type PlacementCheck,
  type PlaceOrderContext,
  type PlaceOrderInput,
  placeOrder,
  placeOrderInTransaction,
} from '../orders/index.js';
import { buyerOf, ticketRequest, toCampaign, toGateCampaign, toTicket } from './campaign-views.js';
import {
  type CampaignRefusal,
  type CampaignRow,
  campaignOrderWrites,
  findCampaign,
  findTicket,
  finishTicket,
  insertCampaign,
  insertTicket,
  listCampaigns,
  listCustomerUnits,
  listQueuedTickets,
  type TicketRow,
} from './campaigns.repository.js';
import type { BuyInput, CreateCampaignInput } from './campaigns.schemas.js';
import type { FlashGate } from './flash-gate.js';
import { type Intake, queueFull, type SettleTicket } from './intake.js';
import { type CampaignOrderRequest, MergedPlacement } from './merged-placement.js';
import { outOfStock, REFUSALS } from './refusals.js';

/**
 * How long a process answers sold_out by itself after the gate said none are left. Most of a sale's
 * traffic comes after the last unit is gone; this keeps it off Redis. A unit given back in the
 * meantime waits at most this long for its next buyer.
 */
const GATE_EMPTY_MEMORY_MS = 200;

/**
 * A unit taken in the gate goes back when the order behind it failed, unless the database's own
 * campaign count refused it (then the gate was too generous and reconciliation lowers it).
 */
const shouldGiveBack = (error: unknown) =>
  !(error instanceof AppError && error.code === 'sold_out' && !error.extra.outOfStock);

/**
 * Flash sales. With a Redis gate, buyers are sorted into winners and losers in Redis and only
 * winners reach the database; without one (or while Redis is away) the database decides alone.
 * Either way the database's conditional statements are the truth, so nothing is ever oversold.
 */
export class FlashSales {
  // A campaign's terms never change once created, so they are cached for the hot path; `soldOut`
  // only ever grows (a unit sold in the database is never given back to the campaign).
  readonly #terms = new Map<string, CampaignRow>();
  readonly #soldOut = new Set<string>();
  // When the gate last said "none left", per campaign: for a moment after, buyers are refused here
  // without asking Redis. Units can come back (a winner's order failed), so this only lasts briefly.
  readonly #gateEmptyAt = new Map<string, number>();
  readonly intake: Intake;
  readonly #merged: MergedPlacement | undefined;
  readonly #skus: SkuLookup;
  readonly #paymentMethods: ReadonlySet<string>;
  readonly #onPlacing: readonly PlacementCheck[];

  /** `intake` makes the queued intake, given how to settle a ticket (what its workers do). */
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly gate: FlashGate | undefined,
    intake: (settle: SettleTicket) => Intake,
    options: {
      /** Where SKU prices come from on the order path: the app's cache of the catalog. */
      skus?: SkuLookup;
      /** The placement checks (OrderHooks.onPlacing): market rules hold for sale orders too. */
      onPlacing: readonly PlacementCheck[];
      /**
       * Merge concurrent orders of a campaign (MergedPlacement). It pays on PostgreSQL, where each
       * order held the hot rows through its own commit; PGlite runs one statement at a time anyway,
       * and there a batch's transaction only holds the others up.
       */
      mergeOrders: boolean;
    },
  ) {
    this.#skus = options.skus ?? resolveSkus;
    this.#onPlacing = options.onPlacing;
    this.#paymentMethods = configuredPaymentMethods(config.providers);
    this.intake = intake((ticketId) => this.settleTicket(ticketId));
    this.#merged = options.mergeOrders
      ? new MergedPlacement(db, {
          alone: (c, request) => this.#placeAlone(c, request),
          within: (trx, c, request, now, stock) => this.#placeWithin(trx, c, request, now, stock),
        })
      : undefined;
  }

  async create(input: CreateCampaignInput) {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) {
      throw new AppError('unprocessable', 'A campaign must end after it starts', {
        errors: [{ field: 'body.endsAt', message: 'must be after startsAt' }],
      });
    }
    const sku = (await resolveSkus(this.db, [input.sku])).get(input.sku);
    if (!sku) {
      throw new AppError('unprocessable', `Unknown SKU ${input.sku}`, {
        errors: [{ field: 'body.sku', message: 'unknown SKU' }],
      });
    }
    const row = await insertCampaign(this.db, {
      id: newId(),
      name: input.name,
      sku: input.sku,
      starts_at: startsAt,
      ends_at: endsAt,
      allotted: input.allotted,
      per_customer_limit: input.perCustomerLimit,
      price: input.price,
    });
    await this.gate?.prime(toGateCampaign(row), []);
    return toCampaign(row);
  }

  /** A page of campaigns, newest first; one more row than asked tells whether another page follows. */
  async list(query: { limit?: number; cursor?: string }) {
    const limit = query.limit ?? 50;
    const before = decodeCursor(query.cursor, IdCursor);
    const rows = await listCampaigns(this.db, { beforeId: before?.[0], limit: limit + 1 });
    return pageOf(rows, limit, toCampaign, (last) => [last.id]);
  }

  async get(id: string) {
    const row = await findCampaign(this.db, id);
    if (!row) throw notFound('Campaign', id);
    return toCampaign(row);
  }

  async #termsOf(id: string): Promise<CampaignRow> {
    const cached = this.#terms.get(id);
    if (cached) return cached;
    const row = await findCampaign(this.db, id);
    if (!row) throw notFound('Campaign', id);
    if (this.#terms.size > 1000) this.#terms.clear();
    this.#terms.set(id, row);
    return row;
  }

  /**
   * Lets a buyer through or refuses them fast. Returns whether the buyer holds a unit in the Redis
   * gate (to be given back if the order fails).
   */
  async #admit(c: CampaignRow, customer: string, quantity: number): Promise<boolean> {
    const now = new Date();
    if (now < c.starts_at) throw REFUSALS.not_started!();
    if (now >= c.ends_at) throw REFUSALS.ended!();
    if (quantity > c.per_customer_limit) throw REFUSALS.limit_reached!();
    if (this.#soldOut.has(c.id)) throw REFUSALS.sold_out!();
    if (!this.gate) return false;
    if (now.getTime() - (this.#gateEmptyAt.get(c.id) ?? -Infinity) < GATE_EMPTY_MEMORY_MS) {
      throw REFUSALS.sold_out!();
    }
    const outcome = await this.gate.take(toGateCampaign(c), customer, quantity, now);
    if (outcome === 'ok') return true;
    // Not one unit left (a single unit was refused), so nobody could have been served.
    if (outcome === 'sold_out' && quantity === 1) this.#gateEmptyAt.set(c.id, now.getTime());
    if (outcome === 'unprimed') {
      // Redis lost its counters (restart): prime them from the database and decide there this time.
      await this.gate.prime(
        toGateCampaign((await findCampaign(this.db, c.id))!),
        await listCustomerUnits(this.db, c.id),
      );
      return false;
    }
    if (outcome === 'unavailable') return false;
    throw REFUSALS[outcome]!();
  }

  /** POST /v1/campaigns/{id}/orders: the order, or a fast refusal. */
  async buy(campaignId: string, input: BuyInput, actor: string): Promise<PlacedOrderResult> {
    const c = await this.#termsOf(campaignId);
    const { customer, quantity } = buyerOf(input);
    const gated = await this.#admit(c, customer, quantity);
    try {
      // Given no token hash (that is a ticket's), the placement made the buyer's token.
      return (await this.#place(c, input, actor)) as PlacedOrderResult;
    } catch (error) {
      if (gated && shouldGiveBack(error)) await this.gate!.giveBack(c.id, customer, quantity);
      throw error;
    }
  }

  /** POST /v1/campaigns/{id}/orders?queued=true: admitted buyers get a ticket; a worker places the order. */
  async enqueue(campaignId: string, input: BuyInput) {
    const c = await this.#termsOf(campaignId);
    const { customer, quantity } = buyerOf(input);
    // The place is taken before any await, so a burst cannot all see room that is not there.
    if (!this.intake.reserve()) throw queueFull();
    let ticket: TicketRow;
    let gated = false;
    // The buyer gets the order's token with the ticket; the order, placed later, takes its hash.
    const access = newOrderAccessToken();
    try {
      gated = await this.#admit(c, customer, quantity);
      ticket = await insertTicket(this.db, {
        id: newId(),
        campaign_id: c.id,
        request: JSON.stringify({ input, gated, accessTokenHash: access.hash }),
      });
    } catch (error) {
      this.intake.release();
      if (gated) await this.gate!.giveBack(c.id, customer, quantity);
      throw error;
    }
    try {
      await this.intake.submit(ticket.id);
    } catch (error) {
      // Refused (past the bound) or the broker is away: the ticket must not stay queued for ever, so
      // it fails here, and its gate unit goes back. If a worker settled it first, the message did get
      // through after all (a confirm lost with its channel): then the buyer has a ticket like any other.
      if (await this.#failTicket(c.id, ticket.id, input, gated, error)) throw error;
      return { ...toTicket((await findTicket(this.db, ticket.id))!), accessToken: access.token };
    }
    return { ...toTicket(ticket), accessToken: access.token };
  }

  async ticket(id: string) {
    const t = await findTicket(this.db, id);
    if (!t) throw notFound('Ticket', id);
    return toTicket(t);
  }

  /**
   * Tickets left `queued` by a process that stopped: an in-process (memory) intake's queue dies with
   * its process, so a starting process takes them into its own intake, oldest first, up to its bound.
   * A ticket another live process still holds may be handed out twice; it is placed once all the same
   * (the ticket is taken in the order's statement) and failed once (see #failTicket).
   */
  async requeueOrphans(): Promise<number> {
    let handed = 0;
    for (const t of await listQueuedTickets(this.db, this.config.intakeQueueBound)) {
      if (!this.intake.reserve()) break;
      await this.intake.submit(t.id);
      handed++;
    }
    return handed;
  }

  /**
   * What an intake worker does with a ticket: places its order, or fails it with the reason. A ticket
   * no longer queued (a redelivered message) is left alone. Throws only if the database is away.
   */
  async settleTicket(ticketId: string): Promise<void> {
    const t = await findTicket(this.db, ticketId);
    if (t?.status !== 'queued') return;
    const { input, gated, accessTokenHash } = ticketRequest(t);
    try {
      await this.#place(await this.#termsOf(t.campaign_id), input, 'intake', ticketId, accessTokenHash);
    } catch (error) {
      await this.#failTicket(t.campaign_id, ticketId, input, gated, error);
    }
  }

  /**
   * Fails a queued ticket and gives its gate unit back, once: only the caller that moved the ticket
   * out of `queued` does it. Says whether this caller did.
   */
  async #failTicket(
    campaignId: string,
    ticketId: string,
    input: BuyInput,
    gated: boolean,
    error: unknown,
  ): Promise<boolean> {
    const failed = await finishTicket(this.db, ticketId, {
      status: 'failed',
      problem: toProblem(error as Error),
    });
    if (failed && gated && shouldGiveBack(error)) {
      const { customer, quantity } = buyerOf(input);
      await this.gate?.giveBack(campaignId, customer, quantity);
    }
    return failed;
  }

  /** Places a campaign order, merged with others of the same campaign when they come together. */
  async #place(
    c: CampaignRow,
    input: BuyInput,
    actor: string,
    ticketId?: string,
    accessTokenHash?: string,
  ): Promise<Order> {
    try {
      const request = { input, actor, ticketId, accessTokenHash };
      return await (this.#merged ? this.#merged.place(c, request) : this.#placeAlone(c, request));
    } catch (caught) {
      const error =
        caught instanceof AppError && caught.code === 'insufficient_stock' ? outOfStock() : caught;
      // Refused one unit: none are left, for good (units sold are never given back to a campaign).
      if (error instanceof AppError && error.code === 'sold_out' && buyerOf(input).quantity === 1) {
        this.#soldOut.add(c.id);
      }
      throw error;
    }
  }

  /** One order by its own statement, which checks the campaign's count and the buyer's beside the stock. */
  async #placeAlone(c: CampaignRow, request: CampaignOrderRequest): Promise<Order> {
    const now = new Date();
    try {
      return await placeOrder(this.db, ...this.#order(c, request, now));
    } catch (caught) {
      throw refusalOf(caught, c, now, request.ticketId) ?? caught;
    }
  }

  /** One order inside a merged batch (see MergedPlacement), planned from the batch's locked stock. */
  async #placeWithin(
    trx: Trx,
    c: CampaignRow,
    request: CampaignOrderRequest,
    now: Date,
    stock: LockedStock,
  ): Promise<Order> {
    const [input, ctx] = this.#order(c, request, now);
    return placeOrderInTransaction(trx, input, { ...ctx, lockStock: stock });
  }

  /** The order of a campaign request and how to place it: the campaign price and its own writes. */
  #order(c: CampaignRow, { input, actor, ticketId, accessTokenHash }: CampaignOrderRequest, now: Date) {
    const { customer, quantity } = buyerOf(input);
    const [shipTo] = Object.keys(input.addresses);
    return [
      {
        customer: input.customer,
        addresses: input.addresses,
        lines: [{ sku: c.sku, quantity, shipTo }],
        paymentMethod: input.paymentMethod,
        channel: input.channel ?? 'flash-sale',
        ...(input.buyerIdentity ? { buyerIdentity: input.buyerIdentity } : {}),
      },
      {
        actor,
        paymentTimeoutSeconds: this.config.orderPaymentTimeoutSeconds,
        paymentMethods: this.#paymentMethods,
        priceOverrides: new Map([[c.sku, c.price]]),
        skus: this.#skus,
        onPlacing: this.#onPlacing,
        alongside: campaignOrderWrites(c, customer, quantity, now, ticketId),
        ...(accessTokenHash ? { accessTokenHash } : {}),
      },
    ] as const satisfies readonly [PlaceOrderInput, PlaceOrderContext];
  }
}

/** The refusal a campaign's check raised inside the order's statement, as the buyer's answer. */
function refusalOf(
  error: unknown,
  c: CampaignRow,
  now: Date,
  ticketId: string | undefined,
): AppError | undefined {
  if ((error as { code?: string }).code !== 'P0001') return undefined;
  switch ((error as Error).message as CampaignRefusal) {
    case 'limit_reached':
      return REFUSALS.limit_reached!();
    case 'sold_out':
      return now < c.starts_at || now >= c.ends_at ? REFUSALS.ended!() : REFUSALS.sold_out!();
    case 'ticket_handled':
      return new AppError('conflict', `Ticket ${ticketId} was already handled`);
    default:
      return undefined;
  }
}
