import type { Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { mayContact } from '../customers/index.js';
import {
  type Category,
  type Channel,
  isTransactional,
  KINDS,
  type Kind,
  type Locale,
} from './notification-kinds.js';
import { type EffectiveTemplate, renderContent, templatesFor } from './notification-templates.js';
import { insertNotifications, type NewNotification } from './notifications.repository.js';
import { quietHoursEnd } from './quiet-hours.js';
import {
  mobileNumber,
  type OrderForNotification,
  orderCustomers,
  ordersForNotification,
  type Recipient,
} from './recipient.js';
import { type NotificationFacts, templateContext } from './template-context.js';
import { TemplateProblem } from './template-engine.js';

/**
 * Stands in for the unsubscribe link in a rendered message: the link is signed with a key only the
 * sending process holds (settings), so the sender puts it in.
 */
export const UNSUBSCRIBE_MARK = 'ordersync:unsubscribe-link';

export interface NotificationCause {
  kind: Kind;
  orderId: string;
  /** What makes it once: the event's id (or `reminder` for the one payment reminder of an order). */
  occasion: string;
  sourceEventId: string | null;
  /** What the event tells beyond the order (no personal data): the parcel, the refund, the return. */
  extra?: Pick<NotificationFacts, 'shipment' | 'refund' | 'return'>;
}

/** Where a channel's message goes, or why it cannot go. */
function addressFor(channel: Channel, r: Recipient): { to: string } | { skip: string } {
  if (channel === 'helpdesk') return { to: 'helpdesk' };
  if (channel === 'email') return r.email ? { to: r.email } : { skip: 'the customer has no e-mail address' };
  const mobile = mobileNumber(r.phone);
  return 'e164' in mobile ? { to: mobile.e164 } : { skip: mobile.refusal };
}

/** Why customers' preferences stop a message: switched off, or (marketing) never switched on. */
function refusalOf(r: Recipient, category: Category, channel: 'email' | 'sms'): string {
  const chosen = category === 'transactional' ? undefined : r.preferences[category]?.[channel];
  return chosen === false
    ? `the customer switched off ${category}`
    : `the customer has not opted in to ${category}`;
}

/**
 * Makes the messages of one occasion, one per channel with a template, inside the caller's
 * transaction (the consumer's, with its inbox row). Each is rendered now, from the order as it is;
 * a message that cannot go (no e-mail, not a mobile, switched off) is recorded as skipped, with why.
 * Nothing is sent here.
 */
export async function createNotifications(
  trx: Trx,
  cause: NotificationCause,
  now = new Date(),
): Promise<number> {
  return createNotificationsFor(trx, [cause], now);
}

/**
 * The messages of several occasions (a consumer's batch), as createNotifications makes them, in a
 * few statements whatever their number: the orders' customers, the orders, their lines, the templates
 * of each kind and locale in the batch, and one insert.
 */
export async function createNotificationsFor(
  trx: Trx,
  causes: readonly NotificationCause[],
  now = new Date(),
): Promise<number> {
  if (causes.length === 0) return 0;
  const orderIds = [...new Set(causes.map((c) => c.orderId))];
  const orders = await ordersForNotification(trx, orderIds, await orderCustomers(trx, orderIds));
  const templates = new Map<string, Promise<Map<Channel, EffectiveTemplate>>>();
  const templatesOf = (kind: Kind, locale: Locale) => {
    const key = `${kind}/${locale}`;
    if (!templates.has(key)) templates.set(key, templatesFor(trx, kind, locale));
    return templates.get(key)!;
  };
  const rows: NewNotification[] = [];
  for (const cause of causes) {
    const found = orders.get(cause.orderId);
    if (!found) continue;
    rows.push(...messagesOf(cause, found, await templatesOf(cause.kind, found.recipient.locale), now));
  }
  await insertNotifications(trx, rows);
  return rows.length;
}

/** One occasion's messages, a row per channel with a template: rendered, or skipped with why. */
function messagesOf(
  cause: NotificationCause,
  { facts, recipient }: OrderForNotification,
  templates: ReadonlyMap<Channel, EffectiveTemplate>,
  now: Date,
): NewNotification[] {
  const info = KINDS[cause.kind];
  if (templates.size === 0) return [];
  const context = templateContext(
    cause.kind,
    { ...facts, ...cause.extra },
    recipient.locale,
    recipient.timeZone,
    {
      unsubscribe: isTransactional(cause.kind) ? undefined : UNSUBSCRIBE_MARK,
    },
  );
  const rows: NewNotification[] = [];
  for (const [channel, template] of templates) {
    const row: NewNotification = {
      id: newId(),
      dedupe_key: `${cause.kind}:${cause.occasion}:${recipient.customerKey}:${channel}`,
      kind: cause.kind,
      category: info.category,
      urgent: info.urgent,
      channel,
      locale: recipient.locale,
      order_id: cause.orderId,
      customer_id: recipient.customerId,
      customer_key: recipient.customerKey,
      source_event_id: cause.sourceEventId,
      recipient: null,
      status: 'pending',
      skip_reason: null,
      subject: null,
      body: null,
      sms_template_code: null,
      sms_params: null,
      template_version: template.version,
      last_error: null,
      locked_by: null,
      provider_message_id: null,
      resend_of: null,
      next_attempt_at: now,
    };
    const address = addressFor(channel, recipient);
    const skip = (reason: string) => rows.push({ ...row, status: 'skipped', skip_reason: reason });
    if ('skip' in address) {
      skip(address.skip);
      continue;
    }
    row.recipient = address.to;
    if (channel !== 'helpdesk' && !mayContact(recipient.preferences, info.category, channel)) {
      skip(refusalOf(recipient, info.category, channel));
      continue;
    }
    try {
      const rendered = renderContent(template, context);
      row.subject = rendered.subject;
      row.body = rendered.body;
      row.sms_template_code = rendered.smsTemplateCode;
      row.sms_params = rendered.smsParams ? JSON.stringify(rendered.smsParams) : null;
    } catch (error) {
      if (!(error instanceof TemplateProblem)) throw error;
      skip(
        `template ${cause.kind}/${recipient.locale}/${channel} v${template.version} does not render: ${error.message}`,
      );
      continue;
    }
    if (channel === 'sms' && !info.urgent)
      row.next_attempt_at = quietHoursEnd(now, recipient.timeZone) ?? now;
    rows.push(row);
  }
  return rows;
}
