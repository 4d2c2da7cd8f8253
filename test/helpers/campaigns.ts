import { expect } from 'vitest';
import { address } from './factories.js';
import type { TestApp } from './test-app.js';

/** A campaign running from a minute ago for an hour, one unit per customer. */
export const campaignBody = (sku: string, allotted: number, more: Record<string, unknown> = {}) => ({
  name: 'Double 11',
  sku,
  startsAt: new Date(Date.now() - 60_000).toISOString(),
  endsAt: new Date(Date.now() + 3_600_000).toISOString(),
  allotted,
  perCustomerLimit: 1,
  price: 999,
  ...more,
});

/** Buyer number `n`'s flash-sale order. */
export const buyBody = (n: number | string, paymentMethod = 'sandbox') => ({
  customer: { email: `buyer${n}@example.com` },
  addresses: { home: address() },
  paymentMethod,
});

export async function campaign(
  t: TestApp,
  sku: string,
  allotted: number,
  more: Record<string, unknown> = {},
) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/campaigns',
    payload: campaignBody(sku, allotted, more),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

export const buy = (t: TestApp, id: string, n: number | string, query = '') =>
  t.request({ method: 'POST', url: `/v1/campaigns/${id}/orders${query}`, payload: buyBody(n) });

export interface TicketView {
  id: string;
  status: 'queued' | 'placed' | 'failed';
  orderId: string | null;
  problem: { code?: string } | null;
}

/** Polls a ticket until it is placed or failed. */
export async function settledTicket(t: TestApp, id: string, timeoutMs = 10_000): Promise<TicketView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ticket = (await t.request({ method: 'GET', url: `/v1/tickets/${id}` })).json() as TicketView;
    if (ticket.status !== 'queued') return ticket;
    if (Date.now() > deadline) throw new Error(`ticket ${id} still queued after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
