import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json } from '../../platform/db/columns.js';

export interface OutboxSubjectsTable {
  subject: string;
  last_sequence: number;
}

export interface OutboxTable {
  position: Generated<number>;
  id: string;
  txid: ColumnType<string, never, never>;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: CreatedAt;
  data: Json<unknown>;
}

export interface SyncTables {
  outbox_subjects: OutboxSubjectsTable;
  outbox: OutboxTable;
}
