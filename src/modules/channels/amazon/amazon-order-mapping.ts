import { toMinorUnits } from '../minor-units.js';
import type { SpOrder, SpOrderItem } from './sp-api-orders.schemas.js';

/** An Amazon order as OrderSync keeps it: Amazon's prices as Amazon sent them, in minor units. */
export interface AmazonCanonicalOrder {
  externalId: string;
  /** LastUpdateDate: orders the channel's versions of one order (an older one never wins). */
  channelUpdatedAt: string;
  placedAt: string;
  channelStatus: string;
  status: 'pending' | 'open' | 'shipped' | 'cancelled';
  /** Amazon took the buyer's money (any status after Pending, except Canceled). */
  paidOnChannel: boolean;
  currency: string;
  marketplaceId: string | null;
  customer: { email: string | null; name: string | null };
  shippingAddress: {
    name: string | null;
    line1: string | null;
    line2: string | null;
    city: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
    phone: string | null;
  } | null;
  lines: Array<{
    externalLineId: string;
    /** SellerSKU, mapped to our SKU by the channel's SKU map (ASIN when Amazon sent no SellerSKU). */
    channelSku: string;
    title: string | null;
    quantity: number;
    /** Amazon's ItemPrice is the line's price (unit price × quantity), kept as sent. */
    lineTotal: number;
    tax: number;
    discount: number;
    shipping: number;
  }>;
  subtotal: number;
  shippingTotal: number;
  taxTotal: number;
  discountTotal: number;
  /** OrderTotal when Amazon sent it, else the lines' sum. */
  grandTotal: number;
}

export type AmazonMapping = { ok: true; order: AmazonCanonicalOrder } | { ok: false; reason: string };

const STATUS: Record<string, AmazonCanonicalOrder['status']> = {
  PendingAvailability: 'pending',
  Pending: 'pending',
  Unshipped: 'open',
  PartiallyShipped: 'open',
  InvoiceUnconfirmed: 'open',
  Shipped: 'shipped',
  Canceled: 'cancelled',
  Unfulfillable: 'cancelled',
};
const PAID = new Set(['Unshipped', 'PartiallyShipped', 'InvoiceUnconfirmed', 'Shipped']);

class Refused extends Error {}

/** An SP-API Money ("11.01" USD → 1101): in the order's currency, with no more decimals than it has. */
function toMinor(money: { CurrencyCode: string; Amount: string }, currency: string, what: string): number {
  if (money.CurrencyCode !== currency)
    throw new Refused(`${what} is in ${money.CurrencyCode}, the order in ${currency}`);
  try {
    return toMinorUnits(money.Amount, currency, { exact: true });
  } catch {
    throw new Refused(`${what} ${money.Amount} ${currency} is not an amount in ${currency}`);
  }
}

/**
 * One getOrders order with its getOrderItems items → the canonical order, or the reason it cannot be
 * one (an operator sees it on the held order). Pending orders have no prices yet (Amazon has not
 * charged the buyer): they become orders when Amazon reports them Unshipped.
 */
export function mapAmazonOrder(order: SpOrder, items: readonly SpOrderItem[]): AmazonMapping {
  try {
    const status = STATUS[order.OrderStatus];
    if (!status) throw new Refused(`unknown OrderStatus ${order.OrderStatus}`);
    const currency =
      order.OrderTotal?.CurrencyCode ?? items.find((i) => i.ItemPrice)?.ItemPrice?.CurrencyCode ?? null;
    if (!currency || !/^[A-Z]{3}$/.test(currency)) throw new Refused('the order has no currency');
    if (items.length === 0 && status !== 'cancelled') throw new Refused('the order has no items');
    const amount = (m: SpOrderItem['ItemPrice'], what: string) => (m ? toMinor(m, currency, what) : 0);
    const lines = items.map((item) => {
      const at = `item ${item.OrderItemId}`;
      return {
        externalLineId: item.OrderItemId,
        channelSku: item.SellerSKU ?? item.ASIN,
        title: item.Title ?? null,
        quantity: item.QuantityOrdered,
        lineTotal: amount(item.ItemPrice, `${at} ItemPrice`),
        tax: amount(item.ItemTax, `${at} ItemTax`) + amount(item.ShippingTax, `${at} ShippingTax`),
        discount:
          amount(item.PromotionDiscount, `${at} PromotionDiscount`) +
          amount(item.ShippingDiscount, `${at} ShippingDiscount`),
        shipping: amount(item.ShippingPrice, `${at} ShippingPrice`),
      };
    });
    const sum = (f: (l: (typeof lines)[number]) => number) => lines.reduce((s, l) => s + f(l), 0);
    const subtotal = sum((l) => l.lineTotal);
    const shippingTotal = sum((l) => l.shipping);
    const taxTotal = sum((l) => l.tax);
    const discountTotal = sum((l) => l.discount);
    const address = order.ShippingAddress;
    return {
      ok: true,
      order: {
        externalId: order.AmazonOrderId,
        channelUpdatedAt: new Date(order.LastUpdateDate).toISOString(),
        placedAt: new Date(order.PurchaseDate).toISOString(),
        channelStatus: order.OrderStatus,
        status,
        paidOnChannel: PAID.has(order.OrderStatus),
        currency,
        marketplaceId: order.MarketplaceId ?? null,
        customer: { email: order.BuyerInfo?.BuyerEmail ?? null, name: order.BuyerInfo?.BuyerName ?? null },
        shippingAddress: address
          ? {
              name: address.Name ?? null,
              line1: address.AddressLine1 ?? null,
              line2: address.AddressLine2 ?? null,
              city: address.City ?? null,
              region: address.StateOrRegion ?? null,
              postalCode: address.PostalCode ?? null,
              country: address.CountryCode ?? null,
              phone: address.Phone ?? null,
            }
          : null,
        lines,
        subtotal,
        shippingTotal,
        taxTotal,
        discountTotal,
        grandTotal: order.OrderTotal
          ? toMinor(order.OrderTotal, currency, 'OrderTotal')
          : subtotal + shippingTotal + taxTotal - discountTotal,
      },
    };
  } catch (error) {
    if (error instanceof Refused)
      return { ok: false, reason: `Amazon order ${order.AmazonOrderId}: ${error.message}` };
    throw error;
  }
}
