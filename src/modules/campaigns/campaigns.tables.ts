import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, Json } from '../../platform/db/columns.js';

type Time = ColumnType<Date, Date | string, Date | string>;

export interface CampaignsTable {
  id: string;
  name: string;
  sku: string;
  starts_at: Time;
  ends_at: Time;
  allotted: number;
  sold: Generated<number>;
  per_customer_limit: number;
  price: number;
  created_at: CreatedAt;
}

export interface CampaignPurchasesTable {
  campaign_id: string;
  customer: string;
  quantity: number;
}

export type TicketStatus = 'queued' | 'placed' | 'failed';

export interface IntakeTicketsTable {
  id: string;
  campaign_id: string;
  status: Generated<TicketStatus>;
  request: Json<unknown>;
  order_id: string | null;
  problem: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface CampaignsTables {
  campaigns: CampaignsTable;
  campaign_purchases: CampaignPurchasesTable;
  intake_tickets: IntakeTicketsTable;
}
