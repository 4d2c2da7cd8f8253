import { type Answer, api, must } from './client';

export type OrderDetail = Answer<'/v1/orders/{id}', 'get'>;
export type Payment = Answer<'/v1/payments/{id}', 'get'>;
export type Shipment = Answer<'/v1/shipments/{id}', 'get'>;
export type Return = Answer<'/v1/returns', 'get'>['data'][number];

/** The order with the sections other modules add to it (payments, shipments, returns). */
export async function loadOrder(id: string) {
  const order = await must(api.GET('/v1/orders/{id}', { params: { path: { id } } }));
  return {
    order,
    payments: (order.payments ?? []) as Payment[],
    shipments: (order.shipments ?? []) as Shipment[],
    returns: (order.returns ?? []) as Return[],
  };
}
export type LoadedOrder = Awaited<ReturnType<typeof loadOrder>>;
