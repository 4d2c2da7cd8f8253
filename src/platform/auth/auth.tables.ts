import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, NullableTime } from '../db/columns.js';

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  key_prefix: string;
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: NullableTime;
  /** The sales channel a channel key acts for; null for every other role. */
  channel: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  state: Generated<'in_progress' | 'done'>;
  response_status: number | null;
  response_body: string | null;
  response_content_type: string | null;
  /** The attempt holding an in-progress key, and until when (its lease). */
  claim: string | null;
  locked_until: Date | null;
  /** What the command committed (an order's id), written in its own statement. */
  resource: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AuthTables {
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
}
