import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Kind, Locale } from './notification-kinds.js';
import {
  findNotification,
  insertNotifications,
  listNotifications,
  type NotificationRow,
} from './notifications.repository.js';

export const toNotificationView = (n: NotificationRow) => ({
  id: n.id,
  kind: n.kind as Kind,
  category: n.category as 'transactional',
  channel: n.channel,
  locale: n.locale as Locale,
  orderId: n.order_id,
  customerId: n.customer_id,
  recipient: n.recipient,
  status: n.status,
  skipReason: n.skip_reason,
  subject: n.subject,
  body: n.body,
  templateVersion: n.template_version,
  attempts: n.attempts,
  nextAttemptAt: n.status === 'pending' ? n.next_attempt_at.toISOString() : null,
  lastError: n.last_error,
  resendOf: n.resend_of,
  createdAt: n.created_at.toISOString(),
  sentAt: n.sent_at?.toISOString() ?? null,
});

/** The delivery log, per order or per customer, newest first. */
export async function notificationLog(
  db: Db,
  q: { orderId?: string; customerId?: string; status?: string; limit?: number },
) {
  if (!q.orderId && !q.customerId)
    throw new AppError('validation_failed', 'Give orderId or customerId', {
      errors: [{ field: 'orderId', message: 'orderId or customerId is required' }],
    });
  return (await listNotifications(db, { ...q, limit: q.limit ?? 100 })).map(toNotificationView);
}

export async function getNotification(db: Db, id: string) {
  const n = await findNotification(db, id);
  if (!n) throw new AppError('not_found', `Notification ${id} was not found`);
  return toNotificationView(n);
}

/**
 * Sends a message again, as a new notification linked to the original (`resendOf`), with the same
 * rendered text and recipient. Only what was sent or has failed can be resent: a pending one is still
 * on its way, and a skipped one had nowhere to go.
 */
export async function resendNotification(db: Db, id: string) {
  return inTransaction(db, async (trx) => {
    const n = await findNotification(trx, id);
    if (!n) throw new AppError('not_found', `Notification ${id} was not found`);
    if (n.status !== 'sent' && n.status !== 'failed')
      throw new AppError(
        'conflict',
        `Notification ${id} is ${n.status}; only sent or failed ones can be resent`,
        {
          currentStatus: n.status,
        },
      );
    const copy = newId();
    await insertNotifications(trx, [
      {
        ...n,
        id: copy,
        dedupe_key: `resend:${n.id}:${copy}`,
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date(),
        locked_by: null,
        locked_until: null,
        last_error: null,
        provider_message_id: null,
        resend_of: n.id,
        created_at: new Date(),
        sent_at: null,
        sms_params: n.sms_params ? JSON.stringify(n.sms_params) : null,
      },
    ]);
    return toNotificationView((await findNotification(trx, copy))!);
  });
}
