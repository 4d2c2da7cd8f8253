import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt } from '../db/columns.js';

type JsonOrNull = ColumnType<unknown, string | null | undefined, never>;

/** One audited write. Insert only: the database refuses UPDATE and DELETE (see the migration). */
export interface AuditLogTable {
  /** Its place in the order of inserts (bigint, read as a string). */
  seq: ColumnType<string, never, never>;
  id: string;
  recorded_at: CreatedAt;
  /** `request`: one per mutating request (route, outcome); `change`: before/after from a service. */
  kind: 'request' | 'change';
  actor_key_id: string | null;
  actor_role: string;
  actor_name: string | null;
  request_id: string | null;
  action: string;
  resource: string;
  resource_id: string | null;
  /** The HTTP status of a request record; null for a change (it committed, or it would not be here). */
  outcome: number | null;
  before: JsonOrNull;
  after: JsonOrNull;
  detail: JsonOrNull;
}

export interface AuditTables {
  audit_log: AuditLogTable;
  audit_unsealed: { seq: string };
  audit_seal: { position: string; seq: string; hash: string };
  audit_chain_head: { id: Generated<number>; position: string; hash: string };
}
