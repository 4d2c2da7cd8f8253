import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import { enqueue, type PendingEvent } from '../../src/modules/sync/outbox.js';
import { Relay } from '../../src/modules/sync/relay/relay.js';
import type { TransportSet } from '../../src/modules/sync/transports/transport.js';
import { WebhookTransport } from '../../src/modules/sync/transports/webhook.js';
import { WebhookTargets } from '../../src/modules/sync/transports/webhook-targets.js';
import type { Config } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db/database.js';
import { inTransaction } from '../../src/platform/db/transaction.js';
import { loadSyncConfig, type SyncConfig } from '../../src/platform/sync-config.js';
import { TEST_WEBHOOK_ALLOWED_HOSTS, type TestApp } from './test-app.js';

export const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Sync settings for tests: fast polling, a retry schedule squeezed to about two seconds. */
export function testSyncConfig(overrides: Partial<SyncConfig> = {}): SyncConfig {
  return {
    ...loadSyncConfig({ WEBHOOK_ALLOWED_HOSTS: TEST_WEBHOOK_ALLOWED_HOSTS }, []),
    relayPollIntervalMs: 20,
    retryScale: 1e-5,
    webhookTimeoutMs: 2_000,
    ...overrides,
  };
}

export const withSync = (overrides: Partial<SyncConfig> = {}): Partial<Config> => ({
  sync: testSyncConfig(overrides),
});

export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The webhook transport as a relay process builds it from `config` (its allowed hosts included). */
export const webhookTransport = (config: SyncConfig) =>
  new WebhookTransport(
    config.webhookTimeoutMs,
    config.webhookMaxConnections,
    new WebhookTargets(config.webhookAllowedHosts),
  );

export function startRelay(db: Db, config: SyncConfig, transports: TransportSet): Relay {
  const relay = new Relay(db, config, transports, quietLog);
  relay.start();
  return relay;
}

export const uniq = () => randomBytes(4).toString('hex');

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 25, message = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until a PostgreSQL backend waits on a lock: `pid` (pg_backend_pid() of a transaction), or
 * without one any backend of this database. For tests that hold a lock and need the other side queued
 * behind it before they let go.
 */
export function lockWaitedOn(db: Db, message: string, pid?: number, timeoutMs?: number): Promise<true> {
  return waitFor(
    async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where wait_event_type = 'Lock' and ${pid === undefined ? sql`datname = current_database()` : sql`pid = ${pid}`}`.execute(
        db,
      );
      return rows[0]!.n > 0 || undefined;
    },
    { message, intervalMs: 20, ...(timeoutMs ? { timeoutMs } : {}) },
  );
}

export interface ReceivedEvent {
  id: string;
  type: string;
  subject: string;
  sequence: number;
  at: number;
}

export type Behaviour = 'ok' | 'fail' | 'timeout';

/**
 * A webhook receiver as a downstream team would write one: verifies every request with the
 * `standardwebhooks` package (401 if it does not verify), records what it got, and answers as `behave`
 * says (2xx, 500, or no answer until the sender gives up).
 */
export async function startReceiver(options: {
  secret: () => string | undefined;
  behave?: (event: ReceivedEvent) => Behaviour;
}) {
  const received: ReceivedEvent[] = [];
  const accepted: ReceivedEvent[] = [];
  let badSignatures = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const secret = options.secret();
      let event: ReceivedEvent;
      try {
        if (!secret) throw new Error('no secret yet');
        const e = new Webhook(secret).verify(body, req.headers as Record<string, string>) as Record<
          string,
          unknown
        >;
        event = {
          id: String(e.id),
          type: String(e.type),
          subject: String(e.subject),
          sequence: Number(e.sequence),
          at: Date.now(),
        };
        expect(req.headers['webhook-id']).toBe(e.id);
        expect(req.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
      } catch {
        badSignatures++;
        res.writeHead(401).end();
        return;
      }
      received.push(event);
      const behaviour = options.behave?.(event) ?? 'ok';
      if (behaviour === 'timeout') return; // never answers; the sender's timeout ends it
      if (behaviour === 'fail') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('try later');
        return;
      }
      accepted.push(event);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted,
    badSignatures: () => badSignatures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What a consumer that dedupes by id and applies in order would see: the first receipt of each event,
 * per subject. Asserts those first receipts come in strictly increasing sequence.
 */
export function expectAppliedInOrder(events: ReceivedEvent[]): Map<string, number[]> {
  const seen = new Set<string>();
  const bySubject = new Map<string, number[]>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const list = bySubject.get(e.subject) ?? [];
    list.push(e.sequence);
    bySubject.set(e.subject, list);
  }
  for (const [subject, sequences] of bySubject) {
    for (let i = 1; i < sequences.length; i++) {
      if (!(sequences[i]! > sequences[i - 1]!)) {
        throw new Error(`order ${subject} applied out of order: ${sequences.join(', ')}`);
      }
    }
  }
  return bySubject;
}

/** The outbox's events for these subjects (the truth a receiver is checked against). */
export async function outboxEvents(t: TestApp, subjects: string[]) {
  if (subjects.length === 0) return [];
  return t.db
    .selectFrom('outbox')
    .select(['id', 'subject', 'sequence', 'type'])
    .where('subject', 'in', subjects)
    .orderBy('position')
    .execute();
}

export async function createSubscription(t: TestApp, body: Record<string, unknown>) {
  const res = await t.request({ method: 'POST', url: '/v1/subscriptions', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string | null; backfilled: number; status: string };
}

/**
 * Writes `count` events for one subject, `perTransaction` at a time, the way a command does: in its
 * own transaction through enqueue. A stand-in for order traffic where a test needs many events fast.
 */
export async function writeEvents(db: Db, subject: string, count: number, perTransaction = 1): Promise<void> {
  for (let written = 0; written < count; written += perTransaction) {
    const n = Math.min(perTransaction, count - written);
    await inTransaction(db, (trx) =>
      enqueue(
        trx,
        'orders',
        subject,
        Array.from({ length: n }, () => flaggedEvent(subject)),
      ),
    );
  }
}

/** An order.flagged event for `subject`, with a made-up order snapshot: filler for event traffic. */
export const flaggedEvent = (subject: string, reason = 'test'): PendingEvent<'order.flagged'> => ({
  type: 'order.flagged',
  data: {
    order: {
      id: subject,
      number: 'OS-TEST',
      status: 'pending_payment',
      paymentStatus: 'unpaid',
      fulfillmentStatus: 'unfulfilled',
      channel: 'test',
      currency: 'CNY',
      grandTotal: 100,
      paidTotal: 0,
      version: 1,
    },
    reason,
  },
});
