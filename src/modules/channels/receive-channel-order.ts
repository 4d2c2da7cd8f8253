import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import {
  cancelChannelOrder,
  flagOrderForReview,
  markChannelOrderPaid,
  type OrderHooks,
  placeChannelOrder,
  recordOrderRefund,
} from '../orders/index.js';
import { type ChannelOrder, expectedTotal, isNewer } from './channel-order.js';
import {
  type ChannelOrderRow,
  claimChannelOrder,
  lockChannelOrder,
  saveChannelOrder,
} from './channel-orders.repository.js';
import type { ChannelRow } from './channels.repository.js';
import { mapChannelLines } from './sku-mapping.js';

export interface IntakeDeps {
  db: Db;
  orderHooks: OrderHooks;
}

export type IntakeOutcome = 'placed' | 'updated' | 'held' | 'stale';

export interface IntakeResult {
  outcome: IntakeOutcome;
  channelOrderId: string;
  orderId: string | null;
  holdReason: string | null;
}

/**
 * The one way a channel's order gets in, whatever the channel: one canonical order per (channel,
 * externalId), in one transaction. A snapshot older than the one kept changes nothing (an
 * `orders/updated` that overtook its `orders/create` wins over it); a newer one is kept and applied:
 * paid, cancelled, or held until an operator can fix what stops it (an unknown SKU, no stock).
 */
export function receiveChannelOrder(
  deps: IntakeDeps,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  order: ChannelOrder,
  actor = `channel:${channel.code}`,
): Promise<IntakeResult> {
  return inTransaction(deps.db, (trx) => receiveChannelOrderIn(trx, deps.orderHooks, channel, order, actor));
}

/** receiveChannelOrder inside the caller's transaction (a delivery or an import batch that records itself). */
export async function receiveChannelOrderIn(
  trx: Trx,
  hooks: OrderHooks,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  incoming: ChannelOrder,
  actor: string,
): Promise<IntakeResult> {
  const row = await claimChannelOrder(trx, {
    id: newId(),
    channel_id: channel.id,
    external_id: incoming.externalId,
    snapshot: incoming,
  });
  if (!row.created) {
    const kept = { updatedAt: new Date(row.channel_updated_at), version: Number(row.channel_version) };
    if (!isNewer(incoming, kept)) return resultOf(row, 'stale');
    await saveChannelOrder(trx, row.id, { snapshot: incoming });
  }
  if (row.state === 'held' || !row.order_id) return placeOrHold(trx, hooks, channel, row, incoming, actor);
  await applyChanges(trx, hooks, row.order_id, row.snapshot, incoming, actor);
  return resultOf(row, 'updated');
}

/**
 * An operator fixed what held the order (mapped its SKUs, added stock): place it from the snapshot
 * kept. Still held: the reason, which may be another one now.
 */
export async function releaseHeldChannelOrder(
  trx: Trx,
  hooks: OrderHooks,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  row: ChannelOrderRow,
  actor: string,
): Promise<IntakeResult> {
  if (row.state !== 'held') return resultOf(row, 'updated');
  return placeOrHold(trx, hooks, channel, row, row.snapshot, actor);
}

/**
 * A refund the channel made (Shopify `refunds/create`), once per refund id. Kept on the channel
 * order; recorded on our order when it is placed (now, or at its placement).
 */
export async function receiveChannelRefund(
  trx: Trx,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  externalId: string,
  refund: { id: string; amount: number },
  actor: string,
): Promise<'applied' | 'kept' | 'duplicate' | 'unknown_order'> {
  const row = await lockChannelOrder(trx, channel.id, { externalId });
  if (!row) return 'unknown_order';
  if (Object.hasOwn(row.refunds, refund.id)) return 'duplicate';
  await saveChannelOrder(trx, row.id, { refunds: { ...row.refunds, [refund.id]: refund.amount } });
  if (!row.order_id || refund.amount === 0) return 'kept';
  await recordOrderRefund(trx, row.order_id, refund.amount, actor);
  return 'applied';
}

/**
 * The channel deleted the order and says no more than its id (WooCommerce `order.deleted`): the kept
 * snapshot, cancelled as of `at`. Undefined when the order is not known yet (retried later).
 */
export async function receiveChannelDeletion(
  trx: Trx,
  hooks: OrderHooks,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  externalId: string,
  at: Date,
  actor: string,
): Promise<IntakeResult | undefined> {
  const row = await lockChannelOrder(trx, channel.id, { externalId });
  if (!row) return undefined;
  const kept = new Date(row.channel_updated_at).getTime();
  const cancelled: ChannelOrder = {
    ...row.snapshot,
    status: 'cancelled',
    cancelReason: 'deleted on the channel',
    updatedAt: new Date(Math.max(at.getTime(), kept + 1)).toISOString(),
  };
  return receiveChannelOrderIn(trx, hooks, channel, cancelled, actor);
}

function resultOf(
  row: ChannelOrderRow,
  outcome: IntakeOutcome,
  changes: Partial<Pick<ChannelOrderRow, 'order_id' | 'hold_reason'>> = {},
): IntakeResult {
  const orderId = changes.order_id !== undefined ? changes.order_id : row.order_id;
  return {
    outcome,
    channelOrderId: row.id,
    orderId,
    holdReason: outcome === 'held' ? (changes.hold_reason ?? row.hold_reason) : null,
  };
}

async function hold(trx: Trx, row: ChannelOrderRow, reason: string): Promise<IntakeResult> {
  await saveChannelOrder(trx, row.id, { state: 'held', hold_reason: reason });
  return resultOf(row, 'held', { hold_reason: reason });
}

async function placeOrHold(
  trx: Trx,
  hooks: OrderHooks,
  channel: Pick<ChannelRow, 'id' | 'code'>,
  row: ChannelOrderRow,
  snapshot: ChannelOrder,
  actor: string,
): Promise<IntakeResult> {
  const mapped = await mapChannelLines(trx, channel.id, snapshot.lines);
  if (!mapped.ok) return hold(trx, row, mapped.reason);
  const address = snapshot.shippingAddress ?? snapshot.billingAddress;
  if (!address) return hold(trx, row, 'the channel sent no address yet');
  const placed = await placeChannelOrder(trx, {
    channel: channel.code,
    currency: snapshot.currency,
    placedAt: new Date(snapshot.createdAt ?? snapshot.updatedAt),
    customer: {
      email: snapshot.customer.email || noEmail(channel.code, snapshot.externalId),
      name: snapshot.customer.name ?? null,
      phone: snapshot.customer.phone ?? null,
    },
    address: {
      name: address.name || snapshot.customer.name || '-',
      phone: address.phone ?? snapshot.customer.phone ?? '',
      country: address.country,
      province: address.province ?? null,
      city: address.city,
      line1: address.line1,
      line2: address.line2 ?? null,
      postalCode: address.postalCode ?? null,
    },
    lines: snapshot.lines.map((l, i) => {
      const item = mapped.items[i]!;
      return {
        sku: item.sku,
        productId: item.productId,
        variantId: item.variantId,
        title: l.title || item.title,
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        categoryId: item.categoryId,
      };
    }),
    shippingTotal: snapshot.shippingTotal,
    discountTotal: snapshot.discountTotal,
    taxTotal: snapshot.taxTotal,
    grandTotal: snapshot.grandTotal,
    paid: snapshot.paid,
    reserveStock: snapshot.status === 'open',
    source: ` from ${channel.code} order ${snapshot.number ?? snapshot.externalId}`,
    actor,
    onPlacing: hooks.onPlacing,
  });
  if (!placed.ok && 'refused' in placed) return hold(trx, row, placed.refused);
  if (!placed.ok) {
    const short = placed.shortages.map((s) => `${s.sku} (${s.requested} wanted, ${s.available} available)`);
    return hold(trx, row, `not enough stock: ${short.join(', ')}`);
  }
  const orderId = placed.order.id;
  await saveChannelOrder(trx, row.id, { state: 'placed', hold_reason: null, order_id: orderId });
  const sum = expectedTotal(snapshot);
  if (sum !== snapshot.grandTotal) {
    // kept as the channel says (the buyer paid that), but a person should see why it does not add up
    await flagOrderForReview(
      trx,
      orderId,
      `the channel's total ${snapshot.grandTotal} is not its lines − discounts + shipping + tax (${sum}) ${snapshot.currency}`,
      actor,
    );
  }
  if (snapshot.status === 'cancelled') {
    await cancelChannelOrder(trx, orderId, snapshot.cancelReason ?? 'cancelled on the channel', actor, hooks);
  }
  for (const amount of Object.values(row.refunds)) {
    if (amount > 0) await recordOrderRefund(trx, orderId, amount, actor);
  }
  return resultOf(row, 'placed', { order_id: orderId });
}

/**
 * Orders need an e-mail and channels may send none (Amazon before shipment, a POS sale): an address
 * under the reserved `.invalid` domain, one per channel order, that reaches nobody and matches no
 * other buyer.
 */
const noEmail = (code: string, externalId: string) =>
  `order-${externalId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100)}@${code}.channel.invalid`;

/** What a newer snapshot changes on a placed order. */
async function applyChanges(
  trx: Trx,
  hooks: OrderHooks,
  orderId: string,
  before: ChannelOrder,
  after: ChannelOrder,
  actor: string,
): Promise<void> {
  if (after.status === 'cancelled') {
    await cancelChannelOrder(trx, orderId, after.cancelReason ?? 'cancelled on the channel', actor, hooks);
    return;
  }
  if (after.paid) await markChannelOrderPaid(trx, orderId, actor);
  const shape = (o: ChannelOrder) =>
    JSON.stringify([o.grandTotal, o.lines.map((l) => [l.channelSku, l.variantId, l.quantity, l.unitPrice])]);
  if (shape(before) !== shape(after)) {
    // Lines edited on the channel after we reserved and maybe packed: a person decides what to send.
    await flagOrderForReview(
      trx,
      orderId,
      `lines or total changed on the channel (total ${before.grandTotal} → ${after.grandTotal} ${after.currency})`,
      actor,
    );
  }
}
