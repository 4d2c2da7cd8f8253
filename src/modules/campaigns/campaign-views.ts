import type { CampaignRow, TicketRow } from './campaigns.repository.js';
import type { Campaign } from './campaigns.schemas.js';
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
