import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

export const FILE_FORMATS = ['csv', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** One record of a file at its (last) physical line, or why that line is not one. */
export type FileRecord =
  | { line: number; record: Record<string, unknown>; problem?: undefined }
  | { line: number; record?: undefined; problem: 'not a CSV record' | 'not a JSON object' };

/** A CSV record past this many characters is a broken one (an unclosed quote eating the file), not an order line. */
const MAX_RECORD_CHARS = 64 * 1024;

/** Whether a file is gzipped, by its first two bytes (not by what the uploader said). */
export async function isGzipped(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/**
 * Streams a CSV (header row first) or JSON Lines file, gunzipping it if need be; never holds more
 * than a chunk. `bytesRead` is how far into the file on disk it has got (for the ETA).
 */
export function readRecords(
  path: string,
  format: FileFormat,
  gzipped: boolean,
): { records: AsyncIterable<FileRecord>; bytesRead: () => number; close: () => void } {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  file.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const text: Readable = gzipped ? file.pipe(createGunzip()) : file;
  if (gzipped) file.on('error', (error) => text.destroy(error));
  return {
    records: format === 'csv' ? csvRecords(text) : jsonLines(text),
    bytesRead: () => bytes,
    close: () => {
      text.destroy();
      file.destroy();
    },
  };
}

async function* csvRecords(text: Readable): AsyncGenerator<FileRecord> {
  // Broken records are reported beside the stream; they are handed on in file order.
  const broken: number[] = [];
  const parser = parse({
    columns: true,
    bom: true,
    skip_empty_lines: true,
    // A stray quote inside a field is taken as text: it costs that field, not the rest of the file.
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record: Record<string, string>, context) => ({ line: context.lines, record }),
    on_skip: (error) => {
      broken.push(Number(error?.lines ?? 0));
    },
  });
  const records: AsyncIterable<{ line: number; record: Record<string, string> }> = text.pipe(parser);
  text.on('error', (error) => parser.destroy(error));
  for await (const item of records) {
    while (broken.length > 0 && broken[0]! < item.line)
      yield { line: broken.shift()!, problem: 'not a CSV record' };
    yield item;
  }
  for (const line of broken) yield { line, problem: 'not a CSV record' };
}

async function* jsonLines(text: Readable): AsyncGenerator<FileRecord> {
  let line = 0;
  for await (const raw of createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    if (value && typeof value === 'object' && !Array.isArray(value))
      yield { line, record: value as Record<string, unknown> };
    else yield { line, problem: 'not a JSON object' };
  }
}

/** The columns of a file: its CSV header, or the keys of its first JSON line; undefined if it has none. */
export async function firstColumns(
  path: string,
  format: FileFormat,
  gzipped: boolean,
): Promise<string[] | undefined> {
  const reader = readRecords(path, format, gzipped);
  try {
    for await (const item of reader.records) if (item.record) return Object.keys(item.record);
    return undefined;
  } finally {
    reader.close();
  }
}
