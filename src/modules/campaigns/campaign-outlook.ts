import type { Conn } from '../../platform/db/database.js';
import { listCampaignsOverlapping, sumEndedCampaigns } from './campaigns.repository.js';

/** A flash sale ahead, as a forecast sees it: the orders it should bring, spread over its window. */
export interface ExpectedCampaign {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  /** Units not yet sold × the share of their allotment past sales sold (1 when none has ended yet). */
  expectedOrders: number;
  allotted: number;
}

/**
 * The campaigns overlapping [from, to) and the orders each is expected to add. A flash-sale order
 * takes one unit in the common case (per-customer limits are small), so units are counted as orders.
 */
export async function expectedCampaignOrders(db: Conn, from: Date, to: Date): Promise<ExpectedCampaign[]> {
  const campaigns = await listCampaignsOverlapping(db, from, to);
  if (campaigns.length === 0) return [];
  const ended = await sumEndedCampaigns(db, from);
  const sellThrough = ended.allotted > 0 ? ended.sold / ended.allotted : 1;
  return campaigns.map((c) => ({
    id: c.id,
    name: c.name,
    startsAt: new Date(c.starts_at),
    endsAt: new Date(c.ends_at),
    allotted: c.allotted,
    expectedOrders: Math.max(0, c.allotted - c.sold) * sellThrough,
  }));
}
