import type { Insertable } from 'kysely';
import { Compile } from 'typebox/compile';
import type { Trx } from '../../platform/db/database.js';
import type { ConsumedEvent, EventConsumer } from '../../platform/module.js';
import { resolveSkus } from '../catalog/index.js';
import { findWarehouses, listReservationsForOrders } from '../inventory/index.js';
import {
  addOrderTimelines,
  findAddressesOfOrders,
  findLinesOfOrders,
  findOrdersByIds,
} from '../orders/index.js';
import { OrderPricing, shippingOptions, shippingZones, zoneFor } from '../pricing/index.js';
import { isEventData } from '../sync/index.js';
import { type CarrierCandidate, chooseCarrier } from './carrier-choice.js';
import { findLaneRecords, laneKey } from './carrier-lanes.repository.js';
import type { DeliveryPlansTable } from './delivery.tables.js';
import { insertDeliveryPlans } from './delivery-plans.repository.js';

/** The pricing an order kept at placement, checked for every order planned: compiled once. */
const keptPricing = Compile(OrderPricing);

const samePlace = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

type Address = Awaited<ReturnType<typeof findAddressesOfOrders>>[number];
type Line = Awaited<ReturnType<typeof findLinesOfOrders>>[number];
type Warehouse = Awaited<ReturnType<typeof findWarehouses>>[number];
type Reservation = Awaited<ReturnType<typeof listReservationsForOrders>>[number];

/** Where a parcel's stock was reserved, and why that is a good place to ship it from. */
function warehousesFor(address: Address, held: readonly Reservation[], warehouses: readonly Warehouse[]) {
  const units = new Map<string, number>();
  for (const r of held) units.set(r.warehouseCode, (units.get(r.warehouseCode) ?? 0) + r.quantity);
  const codes = [...units.keys()].sort();
  const near = (code: string) => {
    const w = warehouses.find((x) => x?.code === code);
    return w && samePlace(w.country, address.country) && samePlace(w.region, address.province);
  };
  const reason =
    codes.length === 0
      ? 'no stock reserved for it yet'
      : codes.length === 1
        ? `from ${codes[0]} (${near(codes[0]!) ? `in ${address.province}` : 'nearest with stock'}, one parcel)`
        : `split over ${codes.map((c) => `${c} ${units.get(c)} units`).join(', ')}: no warehouse holds every line`;
  return { codes, reason };
}

/**
 * The carrier for a parcel: among the zone's carriers offering the service level the buyer chose
 * within the promise sold (and the buyer's carrier itself), the one chooseCarrier ranks first.
 */
function carrierFor(
  address: Address,
  parcelLines: readonly Line[],
  sold: OrderPricing['shipments'][number] | undefined,
  context: {
    zones: Parameters<typeof zoneFor>[0];
    currency: string;
    records: Awaited<ReturnType<typeof findLaneRecords>>;
    weights: ReadonlyMap<string, { weightGrams: number | null }>;
  },
): { carrier: CarrierCandidate | undefined; reason: string } {
  if (!sold) return { carrier: undefined, reason: 'no shipping option was kept with the order' };
  const zone = zoneFor(context.zones, address, context.currency);
  const parcel = { units: 0, grams: 0, value: 0 };
  for (const l of parcelLines) {
    parcel.units += l.quantity;
    parcel.grams += (context.weights.get(l.sku)?.weightGrams ?? 0) * l.quantity;
    parcel.value += l.line_total - l.discount;
  }
  // base prices: the carrier's cost, whatever the buyer was charged
  const offered = zone ? shippingOptions(zone, parcel, 0, false) : [];
  const candidates: CarrierCandidate[] = offered.filter(
    (o) => o.service === sold.service && o.maxDays <= sold.maxDays,
  );
  if (!candidates.some((c) => c.carrier === sold.carrier)) candidates.push(sold);
  const choice = chooseCarrier(
    candidates,
    context.records.get(laneKey(address.country, address.province)) ?? new Map(),
    { place: [address.province, address.country].filter(Boolean).join(', '), buyerChose: sold.carrier },
  );
  return { carrier: choice.chosen.candidate, reason: choice.reason };
}

/**
 * Plans the delivery of a placed order: per parcel (address), the warehouse(s) its stock was reserved
 * in — allocation already preferred one nearby warehouse holding every line over a split — and the
 * carrier, chosen by its measured record to that destination (carrierFor). Both go into
 * delivery_plans and, with the reasons, one staff entry of the order's timeline. The carriers'
 * records come from the carrier_lanes rollup, never from the shipments.
 */
export async function planDelivery(trx: Trx, orderId: string): Promise<void> {
  await planDeliveries(trx, [orderId]);
}

/**
 * planDelivery for several orders (a consumer's batch) in a fixed number of statements whatever
 * their number: the orders, lines, addresses, reservations, lanes, SKUs and warehouses read once for
 * all, the plans and the timeline entries written in one insert each.
 */
export async function planDeliveries(trx: Trx, orderIds: readonly string[]): Promise<void> {
  const [orders, allLines, allAddresses, allReservations] = await Promise.all([
    findOrdersByIds(trx, orderIds),
    findLinesOfOrders(trx, orderIds),
    findAddressesOfOrders(trx, orderIds),
    listReservationsForOrders(trx, orderIds),
  ]);
  // read for each batch, not held in a module's cache: one small read a round, and a module-wide cache
  // would serve one database's zones to another's consumer in the same process
  const [zones, records, weights, warehouses] = await Promise.all([
    shippingZones(trx),
    findLaneRecords(trx, allAddresses),
    resolveSkus(trx, [...new Set(allLines.map((l) => l.sku))]),
    findWarehouses(trx, [...new Set(allReservations.map((r) => r.warehouseId))]),
  ]);
  const plans: Insertable<DeliveryPlansTable>[] = [];
  const timeline: Parameters<typeof addOrderTimelines>[1][number][] = [];
  for (const order of orders) {
    const addresses = allAddresses.filter((a) => a.order_id === order.id);
    if (addresses.length === 0) continue;
    const lines = allLines.filter((l) => l.order_id === order.id);
    const reservations = allReservations.filter((r) => r.orderId === order.id);
    const kept = keptPricing.Check(order.pricing) ? order.pricing : undefined;
    const lineOf = new Map(lines.map((l) => [l.id, l]));
    const orderPlans = addresses.map((address) => {
      const held = reservations.filter((r) => r.lineId && lineOf.get(r.lineId)?.ship_to === address.key);
      const from = warehousesFor(address, held, warehouses);
      const sold = kept?.shipments.find((s) => s.address === address.key);
      const { carrier, reason } = carrierFor(
        address,
        lines.filter((l) => l.ship_to === address.key),
        sold,
        { zones, currency: order.currency, records, weights },
      );
      return {
        order_id: order.id,
        ship_to: address.key,
        warehouses: from.codes,
        carrier: carrier?.carrier ?? null,
        service: carrier?.service ?? null,
        reason: `${reason}; ${from.reason}`,
      };
    });
    plans.push(...orderPlans);
    timeline.push({
      orderId: order.id,
      kind: 'delivery.planned',
      actor: 'delivery',
      message: orderPlans
        .map((p) => (orderPlans.length > 1 ? `${p.ship_to}: ${p.reason}` : p.reason))
        .join('\n'),
      data: {
        plans: orderPlans.map((p) => ({ address: p.ship_to, warehouses: p.warehouses, carrier: p.carrier })),
      },
      staffOnly: true,
    });
  }
  await insertDeliveryPlans(trx, plans);
  await addOrderTimelines(trx, timeline);
}

const placedOrderIds = (events: readonly ConsumedEvent[]) =>
  events.map((event) => {
    if (!isEventData('order.placed', event.data)) throw new Error('not an order.placed payload');
    return event.data.order.id;
  });

export const deliveryChoice: EventConsumer = {
  name: 'delivery-choice',
  eventTypes: ['order.placed'],
  handle: (event, trx) => planDeliveries(trx, placedOrderIds([event])),
  handleBatch: (events, trx) => planDeliveries(trx, placedOrderIds(events)),
};
