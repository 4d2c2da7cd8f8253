import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type CsvItem, CsvRecords } from './csv-records.js';

export const FILE_FORMATS = ['csv', 'jsonl'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** One record of a file at its (last) physical line, or why that line is not one. */
export type FileRecord =
  | { line: number; record: Record<string, unknown>; problem?: undefined }
  | { line: number; record?: undefined; problem: 'not a CSV record' | 'not a JSON object' };

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
  text.setEncoding('utf8');
  const csv = new CsvRecords();
  const items = (chunk: CsvItem[]) =>
    chunk.map((i): FileRecord => (i.broken ? { line: i.line, problem: 'not a CSV record' } : i));
  for await (const chunk of text) for (const item of items(csv.push(chunk as string))) yield item;
  for (const item of items(csv.end())) yield item;
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
