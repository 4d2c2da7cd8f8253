import type { ColumnType } from 'kysely';
import type { CreatedAt, JsonDefault } from '../../platform/db/columns.js';
import type { ClaimKind, ClaimResolution, ClaimStatus } from './claim-state.js';
import type { ReasonCode, ReasonGroup, ReturnStage, ReturnStatus, ReturnType } from './return-state.js';

export interface ReturnRulesTable {
  region: string;
  reason_group: ReasonGroup;
  window_days: number;
}

export interface ReturnsTable {
  id: string;
  order_id: string;
  type: ReturnType;
  stage: ReturnStage;
  status: ReturnStatus;
  reason: ReasonCode;
  note: string | null;
  photos: JsonDefault<string[]>;
  region: string;
  decision_note: string | null;
  restock_warehouse_id: string | null;
  refund_amount: number | null;
  shipping_refund: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ReturnLinesTable {
  id: string;
  return_id: string;
  order_line_id: string;
  sku: string;
  quantity: number;
  unit_price: number;
  exchange_sku: string | null;
}

export interface KbArticlesTable {
  id: string;
  title: string;
  body: string;
  tags: string[];
  reason_codes: string[];
  tags_text: string;
  search: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ClaimsTable {
  id: string;
  order_id: string;
  kind: ClaimKind;
  status: ClaimStatus;
  note: string | null;
  photos: JsonDefault<string[]>;
  resolution: ClaimResolution | null;
  amount: number | null;
  decision_note: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ClaimLinesTable {
  id: string;
  claim_id: string;
  order_line_id: string;
  sku: string;
  quantity: number;
}

export interface AftersalesTables {
  claims: ClaimsTable;
  claim_lines: ClaimLinesTable;
  return_rules: ReturnRulesTable;
  returns: ReturnsTable;
  return_lines: ReturnLinesTable;
  kb_articles: KbArticlesTable;
}
