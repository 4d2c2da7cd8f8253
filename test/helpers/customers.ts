import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { customerForOrder, ensureOrderCustomer } from '../../src/modules/customers/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf, modules } from '../../src/modules.js';
import { address, orderBody } from './factories.js';
import { startRelay, testSyncConfig, uniq, waitFor } from './sync.js';
import type { TestApp } from './test-app.js';

/** A Chinese mobile number nobody else in the file has: "139" and eight digits. */
export const mobile = () => `139${String(randomInt(0, 1e8)).padStart(8, '0')}`;

/** Runs the app's in-process consumers (customers' matching among them) on a relay of the test's own. */
export async function startConsumerRelay(t: TestApp): Promise<Relay> {
  const transport = await registerConsumers(t.db, consumersOf(modules, t.app.services));
  return startRelay(t.db, testSyncConfig(), { consumer: transport });
}

/** Places an order for `customer` (and ships it to `country`), returning the order's id. */
export async function placeOrderFor(
  t: TestApp,
  sku: string,
  customer: { email?: string; phone?: string; name?: string },
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const body = orderBody([{ sku, quantity: 1 }], overrides);
  const res = await t.request({
    method: 'POST',
    url: '/v1/orders',
    payload: {
      ...body,
      customer: { email: `buyer-${uniq()}@example.com`, name: 'Li Lei', ...customer },
      addresses: body.addresses ?? { home: address() },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The order's customer once the matching consumer linked it. */
export const matchedCustomer = (t: TestApp, orderId: string) =>
  waitFor(() => customerForOrder(t.db, orderId), { message: `order ${orderId} matched to a customer` });

/** Matches an order to its customer now, as the consumer would (tests that run no relay). */
export async function matchNow(t: TestApp, orderId: string) {
  const matched = await t.db.transaction().execute((trx) => ensureOrderCustomer(trx, orderId));
  if (!matched) throw new Error(`order ${orderId} was not found`);
  return matched.customer;
}
