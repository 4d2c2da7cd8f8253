import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { FastifyBaseLogger } from 'fastify';
import { Value } from 'typebox/value';
import type { Db } from '../../../platform/db/database.js';
import { AppError, type FieldError, invalid } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import type { OrderHooks } from '../../orders/index.js';
import { ColumnMapping, isTimeZone } from './column-mapping.js';
import { importRunnerFor } from './import-runner.js';
import { type ChannelImportRow, insertImport } from './imports.repository.js';
import { type FileFormat, firstColumns, isGzipped } from './record-reader.js';

/** Media types an import reads, and the format each says (gzip and octet-stream: the query says). */
export const IMPORT_MEDIA_TYPES: Readonly<Record<string, FileFormat | undefined>> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/gzip': undefined,
  'application/octet-stream': undefined,
};

/** The channel a file is imported into, as the channels module knows it. */
export interface ImportChannel {
  id: string;
  /** What the order book calls the channel (orders' `channel`). */
  code: string;
  currency: string;
}

export interface UploadRequest {
  channel: ImportChannel;
  mediaType: string;
  format: FileFormat | undefined;
  mapping: string | undefined;
  dryRun: boolean;
  historical: boolean;
  body: Readable;
  declaredBytes: number | undefined;
}

export interface ImportDeps {
  db: Db;
  log: FastifyBaseLogger;
  orderHooks: OrderHooks;
  config: { dataDir: string; importMaxBytes: number; importLeaseSeconds: number; importBatchLines?: number };
}

/**
 * Takes an uploaded file: checks what can be checked before a byte is stored, streams the body to a
 * file under DATA_DIR (never whole in memory, cut off past IMPORT_MAX_BYTES), checks the file reads
 * (gzip intact, the mapping's columns there), and only then records the import, held by this
 * process, and starts it in the background. Any refusal leaves no file and no row behind.
 */
export async function receiveUpload(deps: ImportDeps, request: UploadRequest): Promise<ChannelImportRow> {
  const mapping = readMapping(request.mapping);
  const format = request.format ?? IMPORT_MEDIA_TYPES[request.mediaType];
  if (!format)
    throw invalid([{ field: 'format', message: 'say csv or jsonl when the body is gzip or octet-stream' }]);
  if (request.declaredBytes !== undefined && request.declaredBytes > deps.config.importMaxBytes)
    throw tooLarge(deps);

  const id = newId();
  const dir = path.join(deps.config.dataDir, 'imports');
  await mkdir(dir, { recursive: true });
  const part = path.join(dir, `${id}.part`);
  const file = path.join(dir, `${id}.${format}`);
  try {
    const bytes = await store(request.body, part, deps.config.importMaxBytes, () => tooLarge(deps));
    if (bytes === 0) throw new AppError('unprocessable', 'The file is empty');
    const gzipped = await isGzipped(part);
    if (gzipped) await checkGzip(part);
    const columns = await firstColumns(part, format, gzipped).catch(() => undefined);
    if (!columns)
      throw new AppError('unprocessable', `The file has no ${format === 'csv' ? 'CSV' : 'JSON'} records`);
    const missing = requiredColumns(mapping).filter((c) => !columns.includes(c));
    if (missing.length > 0)
      throw new AppError('unprocessable', 'The file lacks columns the mapping names', {
        errors: missing.map((c) => ({
          field: 'mapping',
          message: `no column ${JSON.stringify(c)} in the file`,
        })),
      });
    await rename(part, file);
    const runner = importRunnerFor(deps);
    const job = await insertImport(deps.db, {
      id,
      channel_id: request.channel.id,
      channel_code: request.channel.code,
      currency: request.channel.currency,
      format,
      gzipped,
      file_path: file,
      file_bytes: bytes,
      mapping: JSON.stringify(mapping),
      dry_run: request.dryRun,
      historical: request.historical,
      status: 'running',
      attempts: 1,
      locked_by: runner.owner,
      lease_until: new Date(Date.now() + deps.config.importLeaseSeconds * 1000),
      started_at: new Date(),
      run_started_at: new Date(),
    });
    runner.start(job);
    return job;
  } catch (error) {
    await rm(part, { force: true });
    await rm(file, { force: true });
    throw error;
  }
}

function readMapping(text: string | undefined): ColumnMapping {
  if (text === undefined)
    throw invalid([{ field: 'mapping', message: 'required: the column mapping, as JSON' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid([{ field: 'mapping', message: 'not valid JSON' }]);
  }
  if (!Value.Check(ColumnMapping, value)) {
    const errors: FieldError[] = [...Value.Errors(ColumnMapping, value)]
      .slice(0, 10)
      .map((e) => ({ field: `mapping${e.instancePath.replaceAll('/', '.')}`, message: e.message }));
    throw invalid(errors, 'The column mapping is not valid');
  }
  if (value.timeZone && !isTimeZone(value.timeZone))
    throw invalid([{ field: 'mapping.timeZone', message: 'not a time zone (e.g. Europe/London)' }]);
  return value;
}

const requiredColumns = (m: ColumnMapping) => [
  m.columns.externalId,
  m.columns.sku,
  m.columns.quantity,
  m.columns.unitPrice,
  m.columns.placedAt,
];

const tooLarge = (deps: ImportDeps) =>
  new AppError(
    'payload_too_large',
    `The file is larger than the ${deps.config.importMaxBytes} bytes an import takes`,
  );

/** The body to `file`, counting; past `max` bytes it stops reading and throws `tooLarge()`. */
async function store(body: Readable, file: string, max: number, tooLarge: () => Error): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > max ? tooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(body, limit, createWriteStream(file));
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('validation_failed', 'The upload was cut off before its end', {}, { cause: error });
  }
  return bytes;
}

/** The whole file through gunzip, output thrown away: a broken archive is refused now, not mid-import. */
async function checkGzip(file: string): Promise<void> {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(file), createGunzip(), sink);
  } catch (error) {
    throw new AppError('unprocessable', 'The file is not a complete gzip archive', {}, { cause: error });
  }
}
