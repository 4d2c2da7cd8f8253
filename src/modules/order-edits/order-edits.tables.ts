import type { CreatedAt, Json } from '../../platform/db/columns.js';

export interface OrderEditsTable {
  id: string;
  order_id: string;
  /** 1 for the first edit of the order, then 2, … */
  version: number;
  actor: string;
  reason: string | null;
  before: Json<Record<string, unknown>>;
  after: Json<Record<string, unknown>>;
  difference: number;
  refunded: number;
  due: number;
  created_at: CreatedAt;
}

export interface OrderEditsTables {
  order_edits: OrderEditsTable;
}
