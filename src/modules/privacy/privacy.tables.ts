import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, JsonDefault, NullableTime } from '../../platform/db/columns.js';

export const PRIVACY_REQUEST_KINDS = ['export', 'erase'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];
export const PRIVACY_REQUEST_STATUSES = ['queued', 'done', 'failed'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

export interface PrivacyRequestsTable {
  id: string;
  kind: PrivacyRequestKind;
  customer_id: string;
  status: Generated<PrivacyRequestStatus>;
  requested_by: string;
  /** The orders the request covers, fixed when it ran. */
  order_ids: JsonDefault<string[]>;
  /** An export's archive, until it expires or the customer is erased. */
  archive: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  created_at: CreatedAt;
  finished_at: NullableTime;
  /** When retention deleted an erased customer's remaining records. */
  purged_at: NullableTime;
}

export interface PrivacyTables {
  privacy_requests: PrivacyRequestsTable;
}
