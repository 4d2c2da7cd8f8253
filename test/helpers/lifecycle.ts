import { expect } from 'vitest';
import { signGenericPush, signKuaidi100 } from '../../src/modules/fulfillment/tracking-formats.js';
import { createProduct, createWarehouse, orderBody, setStock } from './factories.js';
import type { TestApp } from './test-app.js';

/**
 * An order of 2 × A (30.00, only in warehouse A) and 1 × B (50.00, only in warehouse B), so it
 * ships in two parts. 110.00 is past the free-shipping threshold.
 */
export async function twoWarehouseOrder(t: TestApp, paymentMethod = 'sandbox') {
  const [a, b] = await createProduct(t, [3000, 5000]);
  const whA = await createWarehouse(t, { region: 'Shanghai' });
  const whB = await createWarehouse(t, { region: 'Guangdong' });
  await setStock(t, a!.sku, whA.code, 10);
  await setStock(t, b!.sku, whB.code, 10);
  const res = await t.request({
    method: 'POST',
    url: '/v1/orders',
    payload: orderBody(
      [
        { sku: a!.sku, quantity: 2 },
        { sku: b!.sku, quantity: 1 },
      ],
      { paymentMethod },
    ),
  });
  expect(res.statusCode, res.body).toBe(201);
  const order = res.json();
  return {
    order,
    a: a!,
    b: b!,
    whA,
    whB,
    lineA: order.lines[0].id as string,
    lineB: order.lines[1].id as string,
  };
}

export async function paySandbox(t: TestApp, orderId: string) {
  const created = await t.request({
    method: 'POST',
    url: `/v1/orders/${orderId}/payments`,
    payload: { provider: 'sandbox' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const paid = await t.request({ method: 'POST', url: `/v1/payments/${created.json().id}/pay` });
  expect(paid.json().status, paid.body).toBe('paid');
  return paid.json();
}

/** Prepares one shipment (not yet handed to a carrier); returns it. */
export async function prepareShipment(t: TestApp, orderId: string, warehouse: string) {
  const created = await t.request({
    method: 'POST',
    url: `/v1/orders/${orderId}/shipments`,
    payload: { warehouse },
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json();
}

/** Prepares and ships one shipment; returns it as shipped. */
export async function ship(
  t: TestApp,
  orderId: string,
  warehouse: string,
  carrier: string,
  trackingNumber: string,
  lineIds?: string[],
) {
  const created = await t.request({
    method: 'POST',
    url: `/v1/orders/${orderId}/shipments`,
    payload: lineIds ? { warehouse, lineIds } : { warehouse },
  });
  expect(created.statusCode, created.body).toBe(201);
  const shipped = await t.request({
    method: 'POST',
    url: `/v1/shipments/${created.json().id}/ship`,
    payload: { carrier, trackingNumber },
  });
  expect(shipped.statusCode, shipped.body).toBe(200);
  return shipped.json();
}

/**
 * A Kuaidi100 subscription push as Kuaidi100 sends it: form fields param and sign. `resultv2: false`
 * sends what a subscription without resultv2 gets: events without `status`, the parcel's state only
 * in lastResult.state and ischeck.
 */
export function kuaidi100Push(
  t: TestApp,
  com: string,
  nu: string,
  data: { time: string; context: string; status?: string }[],
  salt = t.config.providers.kuaidi100Salt!,
  parcel: { resultv2?: boolean; state?: string; ischeck?: string } = {},
) {
  const events = parcel.resultv2 === false ? data.map(({ status: _, ...d }) => d) : data;
  const param = JSON.stringify({
    status: 'polling',
    billstatus: 'got',
    message: '',
    autoCheck: '0',
    comOld: '',
    comNew: '',
    lastResult: {
      message: 'ok',
      state: parcel.state ?? '0',
      status: '200',
      condition: 'F00',
      ischeck: parcel.ischeck ?? '0',
      com,
      nu,
      data: [...events].reverse(),
    },
    destResult: null,
  });
  return t.request({
    method: 'POST',
    url: '/v1/callbacks/carriers/kuaidi100',
    key: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ param, sign: signKuaidi100(param, salt) }).toString(),
  });
}

export function genericPush(
  t: TestApp,
  carrier: string,
  trackingNumber: string,
  events: { id: string; time: string; status: string; description: string }[],
) {
  const body = JSON.stringify({ trackingNumber, events });
  return t.request({
    method: 'POST',
    url: `/v1/callbacks/carriers/${carrier}`,
    key: null,
    headers: {
      'content-type': 'application/json',
      'x-carrier-signature': signGenericPush(t.config.providers.carrierSecret!, body),
    },
    payload: body,
  });
}

/** The order's events in feed order, checked to be numbered 1, 2, 3, … without gaps. */
export async function eventTypes(t: TestApp, orderId: string): Promise<string[]> {
  const feed = (await t.request({ method: 'GET', url: `/v1/events?subject=${orderId}&limit=1000` })).json();
  const events = feed.data as { sequence: number; type: string }[];
  expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
  return events.map((e) => e.type.replace('com.ordersync.', ''));
}

export const getOrder = async (t: TestApp, id: string) =>
  (await t.request({ method: 'GET', url: `/v1/orders/${id}` })).json();

/** The order, cancelled with its one payment taken and given back whole (`amount`); as read. */
export async function expectGivenBack(t: TestApp, orderId: string, amount: number) {
  const after = await getOrder(t, orderId);
  expect(after).toMatchObject({
    status: 'cancelled',
    paymentStatus: 'refunded',
    paidTotal: amount,
    refundedTotal: amount,
  });
  expect(after.payments).toMatchObject([{ status: 'refunded' }]);
  return after;
}

export const now8601 = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
/** Kuaidi100's "2026-11-22 10:00:00" in China time, `minutesAgo` before now. */
export const chinaTime = (minutesAgo: number) =>
  new Date(Date.now() - minutesAgo * 60_000 + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
