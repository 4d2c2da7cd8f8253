import type { ChannelOrder } from '../channel-order.js';
import type { AmazonCanonicalOrder } from './amazon-order-mapping.js';

/**
 * An Amazon order as the channels intake takes it, or null while Amazon has not charged the buyer
 * (Pending: no prices yet, and Amazon says not to ship it): it comes again, Unshipped, with a new
 * LastUpdateDate. Amazon's ItemPrice is the line's price; the unit price is it divided by the quantity
 * (rounded), the order's totals stay Amazon's own.
 */
export function toChannelOrder(order: AmazonCanonicalOrder): ChannelOrder | null {
  if (order.status === 'pending') return null;
  const a = order.shippingAddress;
  const address =
    a?.name && a.country && a.city && a.line1
      ? {
          name: a.name,
          country: a.country,
          city: a.city,
          line1: a.line1,
          ...(a.line2 ? { line2: a.line2 } : {}),
          ...(a.region ? { province: a.region } : {}),
          ...(a.postalCode ? { postalCode: a.postalCode } : {}),
          ...(a.phone ? { phone: a.phone } : {}),
        }
      : undefined;
  return {
    externalId: order.externalId,
    updatedAt: order.channelUpdatedAt,
    createdAt: order.placedAt,
    status: order.status === 'cancelled' ? 'cancelled' : order.status === 'shipped' ? 'completed' : 'open',
    paid: order.paidOnChannel,
    currency: order.currency,
    lines: order.lines
      .filter((l) => l.quantity > 0)
      .map((l) => ({
        channelSku: l.channelSku,
        title: l.title ?? l.channelSku,
        quantity: l.quantity,
        unitPrice: Math.round(l.lineTotal / l.quantity),
        ...(l.discount ? { discount: l.discount } : {}),
        ...(l.tax ? { tax: l.tax } : {}),
      })),
    shippingTotal: order.shippingTotal,
    discountTotal: order.discountTotal,
    taxTotal: order.taxTotal,
    grandTotal: order.grandTotal,
    customer: {
      ...(order.customer.email ? { email: order.customer.email } : {}),
      ...(order.customer.name ? { name: order.customer.name } : {}),
    },
    ...(address ? { shippingAddress: address } : {}),
  };
}
