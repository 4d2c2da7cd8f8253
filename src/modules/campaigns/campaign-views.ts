import type { CampaignRow, TicketRow } from './campaigns.repository.js';
import type { BuyInput, Campaign } from './campaigns.schemas.js';
import type { GateCampaign } from './flash-gate.js';

export const toCampaign = (c: CampaignRow): Campaign => ({
  id: c.id,
  name: c.name,
  sku: c.sku,
  startsAt: c.starts_at.toISOString(),
  endsAt: c.ends_at.toISOString(),
  allotted: c.allotted,
  sold: c.sold,
  remaining: c.allotted - c.sold,
  perCustomerLimit: c.per_customer_limit,
  price: c.price,
  createdAt: c.created_at.toISOString(),
});

/** Who a campaign counts a buyer as (the e-mail, lower-cased) and how many units they ask for. */
export const buyerOf = (input: BuyInput) => ({
  customer: input.customer.email.toLowerCase(),
  quantity: input.quantity ?? 1,
});

/** A queued ticket's request as it was accepted, and whether the Redis gate took its units. */
/** What a ticket stores to place its order: the buy, whether the gate admitted it, its token's hash. */
export const ticketRequest = (t: TicketRow) =>
  t.request as { input: BuyInput; gated: boolean; accessTokenHash?: string };

export const toGateCampaign = (c: CampaignRow): GateCampaign => ({
  id: c.id,
  allotted: c.allotted,
  sold: c.sold,
  perCustomerLimit: c.per_customer_limit,
  startsAt: c.starts_at,
  endsAt: c.ends_at,
});

export const toTicket = (t: TicketRow) => ({
  id: t.id,
  campaignId: t.campaign_id,
  status: t.status,
  orderId: t.order_id,
  problem: (t.problem ?? null) as Record<string, unknown> | null,
  createdAt: t.created_at.toISOString(),
});
