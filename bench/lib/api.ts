import pg from 'pg';
import type { Pool } from 'undici';

export const ADMIN_KEY = 'bench-admin-key-0123456789';
export const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Drops and creates database `name` on the bench's PostgreSQL; returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  return databaseUrl(name);
}

export function databaseUrl(name: string): string {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

export interface Answer {
  status: number;
  /** The body parsed on first use: most answers in a sale are read for their status only. */
  // biome-ignore lint/suspicious/noExplicitAny: bench code reads whatever the API answered
  readonly json: any;
  ms: number;
  /** Of the body, as received. */
  bytes: number;
}

/** One HTTP call as the bench's admin (or the key given): status, parsed body and how long it took. */
export function apiCaller(pool: Pool, key = ADMIN_KEY) {
  return async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<Answer> => {
    const t0 = performance.now();
    const res = await pool.request({
      method,
      path: url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      ms: performance.now() - t0,
      bytes: Buffer.byteLength(text),
      get json() {
        return text ? JSON.parse(text) : undefined;
      },
    };
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
