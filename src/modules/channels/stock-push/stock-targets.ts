import type { ChannelKind } from '../channels.tables.js';

/** The channel kinds OrderSync pushes stock to (Amazon's feed is not built yet: see the README). */
export const STOCK_PUSH_KINDS: readonly ChannelKind[] = ['shopify'];

export interface PushItem {
  sku: string;
  level: number;
  /** What the channel holds as far as we know (compare-and-set); null: not known yet. */
  compare: number | null;
}

export interface PushOutcome {
  /** Set on the channel. */
  acked: string[];
  /** The channel held something else than `compare`: nothing was set; what it holds now. */
  stale: Array<{ sku: string; current: number }>;
  /** Not sold on the channel (no item for the SKU): nothing to set. */
  absent: string[];
  /** Throttled answers met (0 in steady state: the target paces itself). */
  throttled: number;
}

/** A channel's stock API: sets absolute levels, compare-and-set, `batchSize` at a time. */
export interface StockTarget {
  readonly batchSize: number;
  push(items: readonly PushItem[]): Promise<PushOutcome>;
}
