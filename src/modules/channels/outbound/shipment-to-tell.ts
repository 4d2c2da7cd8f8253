import type { ChannelOrderLine } from '../channel-order.js';

/** A shipment as a channel is told of it: our carrier and tracking, and which of its lines went. */
export interface ShipmentToTell {
  shipmentId: string;
  carrierCode: string;
  carrierName: string;
  trackingNumber: string;
  shippedAt: Date;
  /** The channel's lines (as its snapshot has them) and how many of each this shipment carries. */
  lines: Array<{ line: ChannelOrderLine; quantity: number }>;
}

/** Thrown when a channel's own records cannot take what we shipped; the delivery ends a dead letter. */
export class ChannelMismatch extends Error {
  override readonly name = 'ChannelMismatch';
}

/**
 * Spreads each wanted quantity over the channel's items that `matches` names, taking what each can
 * still take; an item short of room or none matching is a ChannelMismatch (nothing is sent).
 */
export function allocate<I>(
  wanted: ShipmentToTell['lines'],
  items: I[],
  matches: (line: ChannelOrderLine, item: I) => boolean,
  room: (item: I) => number,
  describe: (line: ChannelOrderLine) => string,
): Array<{ item: I; quantity: number }> {
  const left = new Map(items.map((i) => [i, room(i)]));
  const taken = new Map<I, number>();
  for (const w of wanted) {
    let need = w.quantity;
    for (const item of items) {
      if (need === 0) break;
      if (!matches(w.line, item)) continue;
      const take = Math.min(need, left.get(item)!);
      if (take <= 0) continue;
      left.set(item, left.get(item)! - take);
      taken.set(item, (taken.get(item) ?? 0) + take);
      need -= take;
    }
    if (need > 0) throw new ChannelMismatch(`the channel has no open item for ${need} × ${describe(w.line)}`);
  }
  return [...taken].map(([item, quantity]) => ({ item, quantity }));
}
