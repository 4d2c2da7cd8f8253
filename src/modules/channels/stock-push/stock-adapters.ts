import type { ChannelKind } from '../channels.tables.js';
import { wooStockAdapter } from '../woocommerce/woo-stock.js';
import { shopifyStockAdapter } from './shopify-inventory.js';
import type { StockAdapter } from './stock-targets.js';

/**
 * The stock API adapter of each channel kind stock is pushed to (stock-targets.ts describes the
 * seam). A kind listed here is pushed to by the pusher; Amazon's levels go out as listings feeds
 * (amazon/amazon-feeds.ts), files get none.
 */
export const STOCK_ADAPTERS: Partial<Record<ChannelKind, StockAdapter>> = {
  shopify: shopifyStockAdapter,
  woocommerce: wooStockAdapter,
};

/** The channel kinds OrderSync pushes stock to. */
export const STOCK_PUSH_KINDS = Object.keys(STOCK_ADAPTERS) as ChannelKind[];

/**
 * The kinds whose SKU levels are kept due on a stock change: the pusher's, and Amazon, whose levels
 * go out as JSON_LISTINGS_FEED feeds from the Amazon feed job instead (amazon/amazon-feeds.ts).
 */
export const STOCK_LEVEL_KINDS: readonly ChannelKind[] = [...STOCK_PUSH_KINDS, 'amazon'];
