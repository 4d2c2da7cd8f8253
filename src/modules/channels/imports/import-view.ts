import type { Conn } from '../../../platform/db/database.js';
import { notFound } from '../../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../../platform/http/pagination.js';
import { type ChannelImportRow, findImport, listImportErrors, listImports } from './imports.repository.js';
import type { ImportView } from './imports.schemas.js';

const ERRORS_SHOWN = 100;

/** An import's progress as `GET /v1/imports/{id}` shows it; the ETA at this run's pace so far. */
export async function getImport(db: Conn, id: string, now = new Date()): Promise<ImportView> {
  const job = await findImport(db, id);
  if (!job) throw notFound('Import', id);
  return toImportView(job, await listImportErrors(db, id, ERRORS_SHOWN), now);
}

/** A channel's imports, newest first, as `GET /v1/channels/{id}/imports` lists them (errors left out). */
export async function listChannelImports(
  db: Conn,
  channelId: string,
  query: { limit?: number; cursor?: string },
  now = new Date(),
) {
  const limit = query.limit ?? 50;
  const [beforeId] = decodeCursor(query.cursor, IdCursor) ?? [];
  const rows = await listImports(db, channelId, limit + 1, beforeId);
  return pageOf(
    rows,
    limit,
    (job) => toImportView(job, [], now),
    (job) => [job.id],
  );
}

export function toImportView(
  job: ChannelImportRow,
  errors: { line: number; external_id: string; reason: string }[],
  now = new Date(),
): ImportView {
  return {
    id: job.id,
    channelId: job.channel_id,
    status: job.status,
    format: job.format,
    gzipped: job.gzipped,
    dryRun: job.dry_run,
    historical: job.historical,
    fileBytes: job.file_bytes,
    progress: {
      rowsRead: job.rows_read,
      bytesRead: job.bytes_read,
      percent: job.file_bytes > 0 ? Math.round((1000 * job.bytes_read) / job.file_bytes) / 10 : 100,
      ordersRead: job.orders_read,
      ordersPlaced: job.orders_placed,
      ordersAlreadyThere: job.orders_already_there,
      ordersHeld: job.orders_held,
      rowsRejected: job.rows_rejected,
      etaSeconds: eta(job, now),
    },
    rejected: { lines: job.rejected.lines, orders: job.rejected.orders } as ImportView['rejected'],
    errors: errors.map((e) => ({ line: e.line, externalId: e.external_id, reason: e.reason })),
    attempts: job.attempts,
    error: job.error,
    createdAt: job.created_at.toISOString(),
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}

function eta(job: ChannelImportRow, now: Date): number | null {
  if (job.status === 'completed' || job.status === 'failed') return 0;
  if (!job.run_started_at) return null;
  const done = job.bytes_read - job.run_started_bytes;
  const seconds = (now.getTime() - job.run_started_at.getTime()) / 1000;
  if (done <= 0 || seconds <= 0) return null;
  return Math.round(((job.file_bytes - job.bytes_read) / done) * seconds);
}
