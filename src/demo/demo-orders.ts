import type { AppServices } from '../app-services.js';
import { approveReturn, receiveReturn, refundReturn, requestReturn } from '../modules/aftersales/index.js';
import { createShipment, markShipmentDelivered, shipShipment } from '../modules/fulfillment/index.js';
import { listReservationsForOrder } from '../modules/inventory/index.js';
import { cancelOrder, confirmReceipt, type PlacedOrderResult, placeOrder } from '../modules/orders/index.js';
import { buildPaymentProviders, createPayment, paySandboxPayment } from '../modules/payments/index.js';
import { configuredPaymentMethods } from '../platform/provider-config.js';
import type { SeededRandom } from '../platform/seeded-random.js';
import type { DemoSku } from './demo-history.js';
import { DEMO_BUYERS } from './demo-people.js';

export type DemoOrderServices = Pick<
  AppServices,
  'db' | 'config' | 'orderHooks' | 'pricingRules' | 'skus' | 'shippingPlans'
>;

/** How far a demo order of today gets, in the order the demo plays them. */
type Fate =
  | 'unpaid'
  | 'cod'
  | 'paid'
  | 'shipped'
  | 'delivered'
  | 'completed'
  | 'cancelled'
  | 'cancelled_after_payment'
  | 'return_requested'
  | 'returned';

const TODAY: readonly Fate[] = [
  'completed',
  'returned',
  'delivered',
  'cancelled_after_payment',
  'shipped',
  'delivered',
  'return_requested',
  'shipped',
  'cod',
  'completed',
  'paid',
  'cancelled',
  'shipped',
  'paid',
  'unpaid',
  'paid',
  'unpaid',
];

const ACTOR = 'demo';
/** The demo zone's options (pricing's demo-shipping.ts), with a tracking number of each carrier's form. */
const SHIPPING = { 'zto:standard': 60, 'sf:express': 30, 'jd:next_day': 10 } as const;
const tracking = (carrier: string, n: number) =>
  carrier === 'sf'
    ? `SF${String(1_402_000_000_000 + n)}`
    : carrier === 'jd'
      ? `JDV${String(300_100_000_000 + n)}`
      : String(773_100_000_000 + n);

/**
 * Today's demo orders, placed and moved on through the modules' own commands, as an operator and
 * the buyers would through the API: so their events, timelines, stock, payments, customers and
 * analytics are what real orders leave. One of each fate, over web, app and the marketplace.
 */
export async function placeDemoOrders(
  services: DemoOrderServices,
  skus: readonly DemoSku[],
  random: SeededRandom,
): Promise<number> {
  const { db, config, orderHooks: hooks } = services;
  const providers = buildPaymentProviders(config.providers);
  const ctx = {
    actor: ACTOR,
    paymentTimeoutSeconds: config.orderPaymentTimeoutSeconds,
    paymentMethods: configuredPaymentMethods(config.providers),
    skus: services.skus.resolve,
    pricingRules: services.pricingRules,
    onPlacing: hooks.onPlacing,
  };
  let parcels = 0;

  const pay = async (order: PlacedOrderResult) => {
    const payment = await createPayment(db, providers, order.id, { provider: 'sandbox' });
    await paySandboxPayment(db, providers, config.providers.sandboxSecret, payment.id);
  };
  /** A parcel from each warehouse holding the order's stock, handed to the carrier the buyer chose. */
  const ship = async (order: PlacedOrderResult, carrier: string) => {
    const warehouses = new Set((await listReservationsForOrder(db, order.id)).map((r) => r.warehouseCode));
    const shipped = [];
    for (const warehouse of warehouses) {
      const prepared = await createShipment(
        db,
        services.shippingPlans,
        order.id,
        { warehouse, carrier: carrier as 'sf' },
        ACTOR,
      );
      shipped.push(
        await shipShipment(db, hooks, prepared.id, { trackingNumber: tracking(carrier, ++parcels) }, ACTOR),
      );
    }
    return shipped;
  };
  const deliver = async (order: PlacedOrderResult, carrier: string) => {
    const shipped = await ship(order, carrier);
    for (const s of shipped)
      await markShipmentDelivered(db, hooks, s.id, { reason: 'Signed for at the door' }, ACTOR);
    return shipped;
  };

  for (const [i, fate] of TODAY.entries()) {
    const buyer = DEMO_BUYERS[(i * 5) % DEMO_BUYERS.length]!;
    const option = random.weighted(SHIPPING);
    const carrier = option.split(':')[0]!;
    const order = await placeOrder(
      db,
      {
        customer: { email: buyer.email, phone: buyer.phone, name: buyer.name },
        lines: random
          .some(skus, Number(random.weighted({ 1: 6, 2: 3, 3: 1 })))
          .map((s) => ({ sku: s.sku, quantity: Number(random.weighted({ 1: 8, 2: 2 })) })),
        addresses: { home: buyer.address },
        shipping: { home: option },
        paymentMethod: fate === 'cod' ? 'cod' : 'sandbox',
        channel: random.weighted({ web: 50, app: 30, tmall: 20 }),
      },
      ctx,
    );
    if (fate === 'unpaid' || fate === 'cod') continue;
    if (fate === 'cancelled') {
      await cancelOrder(db, order.id, { reason: 'Buyer changed their mind' }, ACTOR, hooks);
      continue;
    }
    await pay(order);
    if (fate === 'paid') continue;
    if (fate === 'cancelled_after_payment') {
      await cancelOrder(db, order.id, { reason: 'Buyer ordered the wrong size' }, ACTOR, hooks);
      continue;
    }
    if (fate === 'shipped') {
      await ship(order, carrier);
      continue;
    }
    const shipped = await deliver(order, carrier);
    if (fate === 'completed') await confirmReceipt(db, order.id, ACTOR);
    if (fate === 'return_requested' || fate === 'returned') {
      const line = order.lines[0]!;
      const from = shipped.find((s) => s.lines.some((l) => l.lineId === line.id))!.warehouse;
      const asked = await requestReturn(
        db,
        order.id,
        {
          type: 'return_refund',
          reason: fate === 'returned' ? 'not_as_described' : 'defective',
          lines: [{ lineId: line.id, quantity: 1 }],
          note: fate === 'returned' ? 'The colour is not what the photos show' : 'Does not switch on',
        },
        ACTOR,
      );
      if (fate === 'returned') {
        await approveReturn(db, hooks, asked.id, undefined, ACTOR);
        await receiveReturn(db, asked.id, { sellable: true, warehouse: from }, ACTOR);
        await refundReturn(db, providers, asked.id, {}, ACTOR);
      }
    }
  }
  return TODAY.length;
}
