import type { ChannelKind } from '../channels.tables.js';
import { wooStockAdapter } from '../woocommerce/woo-stock.js';
import { shopifyStockAdapter } from './shopify-inventory.js';
import type { StockAdapter } from './stock-targets.js';

/**
 * The stock API adapter of each channel kind stock is pushed to (stock-targets.ts describes the
 * seam). A kind listed here is pushed to; the others (files, and Amazon until its inventory feed is
 * built) are not.
 */
export const STOCK_ADAPTERS: Partial<Record<ChannelKind, StockAdapter>> = {
  shopify: shopifyStockAdapter,
  woocommerce: wooStockAdapter,
};

/** The channel kinds OrderSync pushes stock to. */
export const STOCK_PUSH_KINDS = Object.keys(STOCK_ADAPTERS) as ChannelKind[];
