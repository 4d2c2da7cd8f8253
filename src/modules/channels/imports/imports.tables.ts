import type { CreatedAt, Generated, Json, JsonDefault, NullableTime } from '../../../platform/db/columns.js';
import type { ColumnMapping } from './column-mapping.js';
import type { GrouperState, Tally } from './order-grouper.js';
import type { FileFormat } from './record-reader.js';

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export interface ChannelImportsTable {
  id: string;
  channel_id: string;
  /** The orders' channel column: what the order book calls this channel. */
  channel_code: string;
  currency: string;
  format: FileFormat;
  gzipped: boolean;
  file_path: string;
  file_bytes: number;
  mapping: Json<ColumnMapping>;
  dry_run: boolean;
  historical: boolean;
  status: ImportStatus;
  rows_read: Generated<number>;
  bytes_read: Generated<number>;
  orders_read: Generated<number>;
  orders_placed: Generated<number>;
  orders_already_there: Generated<number>;
  /** Live imports: placed but held (an unknown SKU, no stock) until an operator releases them. */
  orders_held: Generated<number>;
  rows_rejected: Generated<number>;
  rejected: JsonDefault<Tally>;
  errors_kept: Generated<number>;
  /** Every line up to this one is accounted for; a resumed run skips them. */
  checkpoint_line: Generated<number>;
  /** The orders still open at `checkpoint_line` (their lines so far) and those just finished. */
  checkpoint: Json<GrouperState> | null;
  attempts: Generated<number>;
  locked_by: string | null;
  lease_until: NullableTime;
  error: string | null;
  created_at: CreatedAt;
  started_at: NullableTime;
  /** When the current worker took it, and how far the file was then (the ETA is of this run's pace). */
  run_started_at: NullableTime;
  run_started_bytes: Generated<number>;
  updated_at: CreatedAt;
  finished_at: NullableTime;
}

export interface ChannelImportErrorsTable {
  import_id: string;
  line: number;
  external_id: string;
  reason: string;
}

export interface ImportsTables {
  channel_imports: ChannelImportsTable;
  channel_import_errors: ChannelImportErrorsTable;
}
