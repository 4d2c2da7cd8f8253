import type { Db } from '../../../platform/db/database.js';
import type { ChannelClients } from '../channel-clients.js';
import type { StockPolicy } from '../channels.tables.js';

/**
 * The seam between the pusher and a channel kind's stock API. The pusher (stock-pusher.ts) owns
 * everything that is the same for every kind: which SKUs are due, coalescing (one level per SKU, the
 * latest, read after its version), one push at a time per channel (a lease, and one in flight per
 * process), recording acknowledgements only forwards, counters and the status. An adapter only turns
 * a batch of absolute levels into calls to its channel, paced to the channel's limits, and says what
 * became of each SKU. To add a kind: write a `StockAdapter`, list it in STOCK_ADAPTERS
 * (stock-adapters.ts); nothing else changes.
 */

/** A channel as the pusher reads it (what an adapter is made from). */
export interface StockChannel {
  id: string;
  kind: string;
  /** Bumped by every change to the channel (its client is made again). */
  version?: number;
  api_url: string | null;
  credentials_enc: string | null;
  warehouses: string[];
  stock_policy: StockPolicy;
}

export interface PushItem {
  sku: string;
  /** The absolute level to set (never below 0). */
  level: number;
  /** What the channel holds as far as we know, for channels with compare-and-set; null: not known yet. */
  compare: number | null;
}

export interface PushOutcome {
  /** Set on the channel. */
  acked: string[];
  /** Compare-and-set only: the channel held something else than `compare`; nothing set; what it holds. */
  stale: Array<{ sku: string; current: number }>;
  /** Not sold on the channel (no item for the SKU, nothing mapped to it): nothing to set, settled. */
  absent: string[];
  /** Refused by the channel item by item (a batch's per-item error): stays due, tried again later. */
  failed: Array<{ sku: string; message: string }>;
  /** Throttled answers met (0 in steady state: the target paces itself). */
  throttled: number;
  /** Why the push stopped early: what is not listed above was not answered and stays due. */
  error?: string;
}

export interface PushOptions {
  /**
   * No request may be started after this time (Date.now()): the pusher's lease on the channel is
   * good until a while after it. Adapters without compare-and-set must honour it, or a pusher whose
   * lease ran out could land an older level after a newer pusher's.
   */
  until: number;
}

/** A channel's stock API: sets absolute levels, `batchSize` SKUs a call to `push` at most. */
export interface StockTarget {
  readonly batchSize: number;
  push(items: readonly PushItem[], options: PushOptions): Promise<PushOutcome>;
  /** When the channel will take requests again (it asked to wait, e.g. Retry-After); absent or past: now. */
  readyAt?(): number;
}

/** What adapters are made with: the database (e.g. the SKU map) and the process's channel clients. */
export interface StockAdapterContext {
  db: Db;
  clients: ChannelClients;
}

/** Makes the stock API client of a channel (undefined: it cannot be pushed to, e.g. no credentials). */
export type StockAdapter = (channel: StockChannel, context: StockAdapterContext) => StockTarget | undefined;

export const emptyOutcome = (): PushOutcome => ({
  acked: [],
  stale: [],
  absent: [],
  failed: [],
  throttled: 0,
});
