import type { Trx } from '../../platform/db/database.js';
import type { ConsumedEvent, EventConsumer } from '../../platform/module.js';
import { findSkuCategories } from '../catalog/index.js';
import { findHistoricalOrderFacts, findOrderDimensions } from '../orders/index.js';
import { type EventData, type EventType, isEventData } from '../sync/index.js';
import {
  findPlacedAt,
  findPlacedAts,
  insertHistoricalFacts,
  insertPlacedOrders,
  insertReturn,
  markHoursDirty,
  type OrderFactChange,
  type PaymentOutcome,
  type PlacedMark,
  recordPaymentAttempts,
  updateOrdersFacts,
  updateReturn,
} from './analytics-facts.repository.js';

/** Reads an event's payload, refusing one its type's schema does not accept (stored rows outlive code). */
function dataOf<T extends EventType>(event: ConsumedEvent, type: T): EventData<T> {
  if (!isEventData(type, event.data)) throw new Error(`not a ${type} payload`);
  return event.data as EventData<T>;
}

/** Placed orders' facts, a few statements for the batch; those recorded now, and when they were placed. */
async function recordPlaced(trx: Trx, events: readonly ConsumedEvent[]): Promise<PlacedMark[]> {
  if (events.length === 0) return [];
  const placed = events.map((event) => ({ event, ...dataOf(event, 'order.placed') }));
  const [dimensions, categories] = await Promise.all([
    findOrderDimensions(
      trx,
      placed.map((p) => p.order.id),
    ),
    findSkuCategories(trx, [...new Set(placed.flatMap((p) => p.lines.map((l) => l.sku)))]),
  ]);
  const fresh = await insertPlacedOrders(
    trx,
    placed.map(({ event, order, lines }) => ({
      orderId: order.id,
      placedAt: event.time,
      currency: order.currency,
      channel: order.channel,
      region: dimensions.get(order.id)?.region ?? 'unknown',
      paymentMethod: dimensions.get(order.id)?.paymentMethod ?? 'unknown',
      grandTotal: order.grandTotal,
      lines: lines.map((l) => ({
        sku: l.sku,
        category: categories.get(l.sku) ?? 'unknown',
        quantity: l.quantity,
        amount: l.quantity * l.unitPrice,
      })),
    })),
  );
  return placed
    .filter((p) => fresh.has(p.order.id))
    .map((p) => ({ orderId: p.order.id, placedAt: p.event.time }));
}

/** The order-level fact each life-cycle event sets. */
function orderChange(event: ConsumedEvent): OrderFactChange | undefined {
  switch (event.type) {
    case 'order.paid':
      dataOf(event, 'order.paid');
      return { paid_at: event.time };
    case 'order.cancelled':
      return { cancelled_at: event.time, cancel_reason: dataOf(event, 'order.cancelled').reason };
    case 'shipment.shipped': {
      const { shipment } = dataOf(event, 'shipment.shipped');
      return { shipped_at: event.time, warehouse: shipment.warehouse, carrier: shipment.carrier ?? 'none' };
    }
    case 'order.delivered':
      dataOf(event, 'order.delivered');
      return { delivered_at: event.time };
    case 'order.completed':
      dataOf(event, 'order.completed');
      return { completed_at: event.time };
    default:
      return undefined;
  }
}

const PAYMENT_OUTCOMES: Record<string, PaymentOutcome> = {
  'payment.created': 'created',
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
};

/** A return counts against the hour its order was placed in (return rates are per placement cohort). */
async function recordReturn(trx: Trx, event: ConsumedEvent): Promise<PlacedMark | undefined> {
  if (event.type === 'return.requested') {
    const { order, return: r } = dataOf(event, 'return.requested');
    const categories = await findSkuCategories(
      trx,
      r.lines.map((l) => l.sku),
    );
    await insertReturn(trx, {
      returnId: r.id,
      orderId: order.id,
      reason: r.reason,
      lines: r.lines.map((l) => ({
        sku: l.sku,
        category: categories.get(l.sku) ?? 'unknown',
        quantity: l.quantity,
      })),
    });
    return changedOrder(trx, order.id);
  }
  const type = event.type === 'return.rejected' ? 'return.rejected' : 'return.refunded';
  const { order, return: r } = dataOf(event, type);
  await updateReturn(trx, r.id, type === 'return.rejected' ? { rejected: true } : { refunded: true });
  return changedOrder(trx, order.id);
}

const changedOrder = async (trx: Trx, orderId: string): Promise<PlacedMark | undefined> => {
  const placedAt = await findPlacedAt(trx, orderId);
  return placedAt && { orderId, placedAt };
};

/** A batch of imported orders: their facts in a few set-based statements, their hours marked. */
async function recordHistory(trx: Trx, event: ConsumedEvent): Promise<Date[]> {
  const { orderIds } = dataOf(event, 'history.orders_imported');
  const facts = await findHistoricalOrderFacts(trx, orderIds);
  const categories = await findSkuCategories(trx, [...new Set(facts.lines.map((l) => l.sku))]);
  return insertHistoricalFacts(trx, {
    orders: facts.orders,
    lines: facts.lines.map((l) => ({ ...l, category: categories.get(l.sku) ?? 'unknown' })),
  });
}

const RETURN_EVENTS = new Set(['return.requested', 'return.rejected', 'return.refunded']);

/**
 * A batch's facts, a few statements whatever its size: its placed orders together, its payment
 * attempts in one statement, its order-level changes in one (a batch holds one event per order, so
 * none of them depends on another), the placing hours they need in one; returns and imports (rare)
 * one by one; then one mark per hour touched, naming the new orders (the refresh adds their share)
 * and the changed ones (it applies their difference from what it rolled up); imports' hours are
 * recomputed.
 */
async function recordFacts(trx: Trx, events: readonly ConsumedEvent[]): Promise<void> {
  const placed = await recordPlaced(
    trx,
    events.filter((e) => e.type === 'order.placed'),
  );
  const whole: Date[] = [];
  const changed: PlacedMark[] = [];
  const attempts: Parameters<typeof recordPaymentAttempts>[1][number][] = [];
  const changes: Array<{ orderId: string; change: OrderFactChange }> = [];
  const placedOf: string[] = []; // orders whose placing hour an event touches without changing the order
  for (const event of events) {
    if (event.type === 'order.placed') continue;
    if (event.type === 'history.orders_imported') whole.push(...(await recordHistory(trx, event)));
    else if (RETURN_EVENTS.has(event.type)) {
      const placedAt = await recordReturn(trx, event);
      if (placedAt) changed.push(placedAt);
    } else if (event.type in PAYMENT_OUTCOMES) {
      const outcome = PAYMENT_OUTCOMES[event.type]!;
      const { order, payment } = dataOf(event, event.type as 'payment.created');
      attempts.push({ id: payment.id, orderId: order.id, provider: payment.provider, outcome });
      if (outcome === 'succeeded')
        changes.push({ orderId: order.id, change: { pay_provider: payment.provider } });
      else placedOf.push(order.id);
    } else {
      const change = orderChange(event);
      if (change) changes.push({ orderId: event.subject, change });
    }
  }
  await recordPaymentAttempts(trx, attempts);
  const named = (m: Map<string, Date>) => [...m].map(([orderId, placedAt]) => ({ orderId, placedAt }));
  changed.push(...named(await updateOrdersFacts(trx, changes)));
  changed.push(...named(await findPlacedAts(trx, placedOf)));
  await markHoursDirty(trx, whole, placed, changed);
}

/**
 * Keeps the analytics facts of each order from its events, and marks the hour it was placed in for
 * the rollup refresh. Exactly once through its inbox, and from the beginning of the outbox, so a
 * fresh install builds the facts of the orders placed before it (backfill). A batch of events is a
 * few statements in the relay's transaction, never in the order's (placed orders are recorded
 * together); their hour marks are append-only rows, so concurrent batches do not queue.
 */
export const analyticsFacts: EventConsumer = {
  name: 'analytics-facts',
  eventTypes: [
    'order.placed',
    'order.paid',
    'order.cancelled',
    'order.delivered',
    'order.completed',
    'shipment.shipped',
    'payment.created',
    'payment.succeeded',
    'payment.failed',
    'return.requested',
    'return.rejected',
    'return.refunded',
    'history.orders_imported',
  ],
  from: 'beginning',
  handle: (event, trx) => recordFacts(trx, [event]),
  handleBatch: (events, trx) => recordFacts(trx, events),
};
