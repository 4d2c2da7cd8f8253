import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { type DeliveryRow, findDelivery, listDeliveries, retryDelivery } from './deliveries.repository.js';
import type { Delivery, DeliveryListQuery } from './deliveries.schemas.js';
import { wakeRelays } from './relay/wakeup.js';

/** A parked delivery (its subscription paused or disabled) is due 'infinity': no time to show. */
const dueTime = (due: unknown): string | null =>
  due instanceof Date && Number.isFinite(due.getTime()) ? due.toISOString() : null;

export const toDelivery = (row: DeliveryRow): Delivery => ({
  id: row.id,
  subscriptionId: row.subscription_id,
  eventId: row.event_id,
  eventType: row.event_type,
  subject: row.subject,
  sequence: Number(row.sequence),
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? dueTime(row.next_attempt_at) : null,
  lastError: row.last_error,
  lastResponseStatus: row.last_response_status,
  createdAt: row.created_at.toISOString(),
  deliveredAt: row.delivered_at?.toISOString() ?? null,
});

/** Newest first; `status=dead` is the dead-letter list. */
export async function listDeliveryPage(db: Db, query: DeliveryListQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, IdCursor);
  const rows = await listDeliveries(db, {
    status: query.status,
    subscriptionId: query.subscription,
    subject: query.subject,
    beforeId: before?.[0],
    limit: limit + 1,
  });
  return pageOf(rows, limit, toDelivery, (last) => [last.id]);
}

export async function getDelivery(db: Db, id: string): Promise<Delivery> {
  const row = await findDelivery(db, id);
  if (!row) throw notFound('Delivery', id);
  return toDelivery(row);
}

/** Sends a dead (or waiting) delivery again now, with the full retry schedule ahead of it. */
export async function retryDeliveryNow(db: Db, id: string): Promise<Delivery> {
  return inTransaction(db, async (trx) => {
    const row = await retryDelivery(trx, id);
    if (!row) {
      if (await findDelivery(trx, id)) {
        throw new AppError(
          'conflict',
          `Delivery ${id} was delivered already; replay the subscription to send it again`,
        );
      }
      throw notFound('Delivery', id);
    }
    await wakeRelays(trx);
    return toDelivery(row);
  });
}
