import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { newId, UUID_PATTERN } from '../../platform/ids.js';
import type { SyncConfig } from '../../platform/sync-config.js';
import { parkDeliveries, unparkDeliveries } from './deliveries.repository.js';
import { findEventPosition } from './events.repository.js';
import { FANOUT_LOCK } from './relay/fan-out.js';
import { wakeRelays } from './relay/wakeup.js';
import {
  backfillDeliveries,
  deleteSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  type OutboxStart,
  resetDeliveries,
  type SubscriptionRow,
  updateSubscription,
} from './subscriptions.repository.js';
import type { CreateSubscriptionBody, StartPoint, Subscription } from './subscriptions.schemas.js';
import type { SubscriptionStatus } from './sync.tables.js';
import { generateSecret } from './transports/webhook-signature.js';
import { WebhookTargets } from './transports/webhook-targets.js';

const uuid = new RegExp(UUID_PATTERN);

export const toSubscription = (row: SubscriptionRow): Subscription => ({
  id: row.id,
  name: row.name,
  transport: row.transport,
  url: row.url,
  eventTypes: row.event_types,
  status: row.status,
  disabledReason: row.disabled_reason,
  failingSince: row.failing_since?.toISOString() ?? null,
  previousSecretExpiresAt:
    row.previous_secret_expires_at && row.previous_secret_expires_at > new Date()
      ? row.previous_secret_expires_at.toISOString()
      : null,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** A start point in outbox terms; `now` is none (nothing from the past). */
async function resolveStart(trx: Trx, from: StartPoint, field: string): Promise<OutboxStart | undefined> {
  if (from === 'now') return undefined;
  if (from === 'beginning') return { position: 0 };
  if (uuid.test(from)) {
    const position = await findEventPosition(trx, from.toLowerCase());
    if (position === undefined) {
      throw new AppError('unprocessable', `Event ${from} is not in the outbox`, {
        errors: [{ field, message: 'names no event' }],
      });
    }
    return { position };
  }
  return { time: new Date(from) };
}

/** Each transport's own requirements, and whether this deployment offers it at all. */
function checkTransport(body: CreateSubscriptionBody, config: SyncConfig): void {
  const offered = { webhook: true, amqp: config.amqpUrl !== undefined, nats: config.natsUrl !== undefined };
  if (!offered[body.transport]) {
    const variable = body.transport === 'amqp' ? 'AMQP_URL' : 'NATS_URL';
    throw new AppError(
      'unprocessable',
      `The ${body.transport} transport is not available here (${variable} is not set)`,
      {
        errors: [{ field: 'body.transport', message: `is not available: ${variable} is not configured` }],
      },
    );
  }
  if (body.transport === 'webhook' && !body.url)
    throw invalid([{ field: 'body.url', message: 'is required for webhooks' }]);
  if (body.transport !== 'webhook' && (body.url || body.secret)) {
    const field = body.url ? 'body.url' : 'body.secret';
    throw invalid([
      { field, message: `is for webhooks only (${body.transport} publishes to the configured broker)` },
    ]);
  }
}

/** A webhook URL must not reach inside: no credentials, no private, loopback or metadata address. */
async function checkWebhookUrl(url: string | undefined, config: SyncConfig): Promise<void> {
  if (!url) return;
  const refusal = await new WebhookTargets(config.webhookAllowedHosts).urlRefusal(url);
  if (refusal)
    throw new AppError('unprocessable', `The webhook URL is refused: ${refusal}`, {
      errors: [{ field: 'body.url', message: refusal }],
    });
}

export async function createSubscription(db: Db, config: SyncConfig, body: CreateSubscriptionBody) {
  checkTransport(body, config);
  await checkWebhookUrl(body.url, config);
  const secret = body.transport === 'webhook' ? (body.secret ?? generateSecret()) : null;
  return inTransaction(db, async (trx) => {
    // The fan-out lock: no relay fans out while this commits, so each event either is fanned out
    // before (and the backfill below sees it) or after (and fan-out sees this subscription).
    await sql`select pg_advisory_xact_lock(${FANOUT_LOCK})`.execute(trx);
    const row = await insertSubscription(trx, {
      id: newId(),
      name: body.name,
      transport: body.transport,
      url: body.url ?? null,
      secret,
      event_types: [...new Set(body.eventTypes)],
    });
    const start = await resolveStart(trx, body.from ?? 'now', 'body.from');
    const backfilled = start
      ? await backfillDeliveries(trx, { id: row.id, eventTypes: row.event_types }, start)
      : 0;
    if (backfilled > 0) await wakeRelays(trx);
    return { ...toSubscription(row), secret, backfilled };
  });
}

export async function getSubscription(db: Db, id: string): Promise<Subscription> {
  const row = await findSubscription(db, id);
  if (!row) throw notFound('Subscription', id);
  return toSubscription(row);
}

export async function listSubscriptionPage(
  db: Db,
  query: { status?: SubscriptionStatus; limit?: number; cursor?: string },
) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, IdCursor);
  const rows = await listSubscriptions(db, { status: query.status, beforeId: before?.[0], limit: limit + 1 });
  return pageOf(rows, limit, toSubscription, (last) => [last.id]);
}

/**
 * Pause keeps deliveries piling up, parked (nothing is lost); resume (also of a disabled one) makes
 * them due. Under the fan-out lock, so no fan-out that saw the old status commits after this.
 */
export async function setSubscriptionStatus(
  db: Db,
  id: string,
  status: 'active' | 'paused',
): Promise<Subscription> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(${FANOUT_LOCK})`.execute(trx);
    const row = await updateSubscription(
      trx,
      id,
      status === 'active' ? { status, disabled_reason: null, failing_since: null } : { status },
    );
    if (!row) throw notFound('Subscription', id);
    if (status === 'active') {
      await unparkDeliveries(trx, id);
      await wakeRelays(trx);
    } else {
      await parkDeliveries(trx, [id]);
    }
    return toSubscription(row);
  });
}

/**
 * A new signing secret; the old one keeps signing beside it for `previousValidForSeconds`, so a
 * receiver can switch at its own pace: every request carries a signature from each.
 */
export async function rotateSecret(
  db: Db,
  id: string,
  body: { secret?: string | undefined; previousValidForSeconds?: number | undefined },
) {
  return inTransaction(db, async (trx) => {
    const current = await findSubscription(trx, id);
    if (!current) throw notFound('Subscription', id);
    if (current.transport !== 'webhook') {
      throw new AppError('unprocessable', `A ${current.transport} subscription has no signing secret`);
    }
    const secret = body.secret ?? generateSecret();
    const keep = body.previousValidForSeconds ?? 86400;
    const row = await updateSubscription(trx, id, {
      secret,
      previous_secret: keep > 0 ? current.secret : null,
      previous_secret_expires_at: keep > 0 ? new Date(Date.now() + keep * 1000) : null,
    });
    return { ...toSubscription(row!), secret, backfilled: 0 };
  });
}

/** Sends everything from `from` on again, in order per order; consumers dedupe by event id. */
export async function replaySubscription(db: Db, id: string, from: StartPoint) {
  return inTransaction(db, async (trx) => {
    const row = await findSubscription(trx, id);
    if (!row) throw notFound('Subscription', id);
    const start = await resolveStart(trx, from, 'body.from');
    if (!start) return { subscription: toSubscription(row), replayed: 0 };
    await sql`select pg_advisory_xact_lock(${FANOUT_LOCK})`.execute(trx);
    const reset = await resetDeliveries(trx, id, start);
    const created = await backfillDeliveries(trx, { id, eventTypes: row.event_types }, start);
    await wakeRelays(trx);
    return { subscription: toSubscription(row), replayed: reset + created };
  });
}

export async function removeSubscription(db: Db, id: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    if (!(await deleteSubscription(trx, id))) throw notFound('Subscription', id);
  });
}
