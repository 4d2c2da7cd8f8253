import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import type { Stoppable } from '../../platform/module.js';
import type { NotificationConfig } from '../../platform/notification-config.js';
import { addOrderTimelines } from '../orders/index.js';
import { WebhookTargets } from '../sync/index.js';
import { AliyunSmsChannel } from './channels/aliyun-sms.js';
import { type NotificationChannel, type OutgoingMessage, PermanentFailure } from './channels/channel.js';
import { EmailChannel } from './channels/email.js';
import { HelpdeskChannel } from './channels/helpdesk-webhook.js';
import { UNSUBSCRIBE_MARK } from './create-notifications.js';
import { CHANNELS, type Channel } from './notification-kinds.js';
import {
  claimDueNotifications,
  markAllSent,
  markAllSkipped,
  markFailed,
  markRetry,
  markWaiting,
  type NotificationRow,
  skipUnsendable,
} from './notifications.repository.js';
import { quietHoursEnd } from './quiet-hours.js';
import { orderForNotification } from './recipient.js';
import { unsubscribeUrl } from './unsubscribe.js';

export type ChannelSet = Partial<Record<Channel, NotificationChannel>>;

/** A message the channel accepted, to be recorded with the rest of its round. */
interface Sent {
  id: string;
  n: NotificationRow;
  at: Date;
  providerMessageId: string | null;
}

/** The channels the settings turn on; the webhook SSRF guard's allow list covers the helpdesk too. */
export function channelsFrom(config: NotificationConfig, webhookAllowedHosts: string[]): ChannelSet {
  return {
    email: config.smtpUrl
      ? new EmailChannel(config.smtpUrl, config.mailFrom, config.smtpMaxConnections)
      : undefined,
    sms: config.aliyunSms ? new AliyunSmsChannel(config.aliyunSms) : undefined,
    helpdesk:
      config.helpdeskUrl && config.helpdeskSecret
        ? new HelpdeskChannel(
            config.helpdeskUrl,
            config.helpdeskSecret,
            new WebhookTargets(webhookAllowedHosts),
          )
        : undefined,
  };
}

const LEASE_MS = 60_000;
const BATCH = 200;

/** Wait before the next attempt: base × 2^(attempt−1), at most an hour, ±20 % so retries spread. */
export const retryDelayMs = (attempt: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** (attempt - 1), 3_600_000) * (0.8 + Math.random() * 0.4);

const CHANNEL_WORD: Record<Channel, string> = { email: 'E-mail', sms: 'SMS', helpdesk: 'Helpdesk ticket' };

/** Why a message of a channel without settings is skipped. */
const NOT_CONFIGURED: Record<Channel, string> = {
  email: 'no SMTP server configured',
  sms: 'no SMS provider configured',
  helpdesk: 'no helpdesk webhook configured',
};

/**
 * Sends due notifications, outside any order's transaction: claims a batch under a lease (SKIP
 * LOCKED, so several processes share the work), hands each to its channel, and records the outcome
 * (sent — with an entry in the order's timeline —, another attempt after a backoff, or failed after
 * the last one). A non-urgent SMS claimed in the buyer's quiet hours waits for the morning.
 */
export class NotificationSender implements Stoppable {
  readonly #me = `sender-${randomUUID()}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;
  /** The channels this process has no settings for, with why their messages cannot go. */
  readonly #unsendable: Partial<Record<Channel, string>>;

  constructor(
    private readonly db: Db,
    private readonly channels: ChannelSet,
    private readonly config: NotificationConfig,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#unsendable = Object.fromEntries(
      CHANNELS.filter((c) => !channels[c]).map((c) => [c, NOT_CONFIGURED[c]]),
    );
  }

  /**
   * One round: the number of messages handled. What went out is recorded in one transaction for the
   * round (its rows, their timeline entries), not one per message: a handful of statements a round
   * whatever its size, so sending costs the database little beside the orders.
   */
  async runOnce(now = new Date()): Promise<number> {
    const skipped = await skipUnsendable(this.db, this.#unsendable, now);
    const claimed = await claimDueNotifications(this.db, this.#me, now, LEASE_MS, BATCH);
    // made after skipUnsendable looked: skipped together, not one transaction each
    await markAllSkipped(
      this.db,
      this.#me,
      claimed
        .filter((n) => !this.channels[n.channel])
        .map((n) => ({ id: n.id, reason: NOT_CONFIGURED[n.channel] })),
    );
    const sendable = claimed.filter((n) => this.channels[n.channel]);
    const sent = (await Promise.all(sendable.map((n) => this.#deliver(n, now)))).filter(
      (s): s is Sent => s !== undefined,
    );
    await this.#recordSent(sent);
    return skipped + claimed.length;
  }

  async #recordSent(sent: Sent[]): Promise<void> {
    if (sent.length === 0) return;
    await inTransaction(this.db, async (trx) => {
      const mine = await markAllSent(trx, this.#me, sent);
      // One whose lease ran out meanwhile is another sender's now: its outcome is that sender's to record.
      await addOrderTimelines(
        trx,
        sent
          .filter(({ n }) => mine.has(n.id))
          .map(({ n }) => ({
            orderId: n.order_id,
            kind: 'notification.sent',
            actor: 'notifications',
            message: `${CHANNEL_WORD[n.channel]} "${n.subject ?? n.sms_template_code ?? n.kind}" sent (${n.kind}, ${n.locale})`,
            data: { notificationId: n.id, channel: n.channel, kind: n.kind, resendOf: n.resend_of },
          })),
      );
    });
  }

  /** Sends one message; what went out is returned for the round to record, anything else is recorded here. */
  async #deliver(n: NotificationRow, now: Date): Promise<Sent | undefined> {
    const channel = this.channels[n.channel];
    if (!channel) return; // skipped by the round
    if (n.channel === 'sms' && !n.urgent) {
      const wait = quietHoursEnd(now, await this.#timeZone(n));
      if (wait) {
        await inTransaction(this.db, (trx) => markWaiting(trx, n.id, this.#me, wait));
        return;
      }
    }
    try {
      const { providerMessageId } = await channel.send(await this.#message(n));
      return { id: n.id, n, at: new Date(), providerMessageId };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const last = error instanceof PermanentFailure || n.attempts >= this.config.maxAttempts;
      if (!last)
        this.log.debug({ notification: n.id, err: error }, 'notification not sent; tried again later');
      else this.log.warn({ notification: n.id, reason }, 'notification failed');
      await inTransaction(this.db, (trx) =>
        last
          ? markFailed(trx, n.id, this.#me, reason)
          : markRetry(
              trx,
              n.id,
              this.#me,
              new Date(Date.now() + retryDelayMs(n.attempts, this.config.retryBaseMs)),
              reason,
            ),
      );
    }
  }

  async #timeZone(n: NotificationRow): Promise<string> {
    // The zone the message was made for is the recipient's; until customers keep one, the order's country.
    return (await orderForNotification(this.db, n.order_id))?.recipient.timeZone ?? 'UTC';
  }

  async #message(n: NotificationRow): Promise<OutgoingMessage> {
    const link =
      n.category !== 'transactional'
        ? await unsubscribeUrl(this.db, this.config, {
            customerKey: n.customer_key ?? '',
            category: n.category,
            // An e-mail's link stops e-mails, an SMS's SMS; a helpdesk ticket's link, both.
            ...(n.channel === 'helpdesk' ? {} : { channel: n.channel }),
          })
        : null;
    return {
      id: n.id,
      kind: n.kind,
      orderId: n.order_id,
      recipient: n.recipient ?? '',
      subject: n.subject,
      body: link ? (n.body ?? '').replaceAll(UNSUBSCRIBE_MARK, link) : (n.body ?? ''),
      smsTemplateCode: n.sms_template_code,
      smsParams: n.sms_params,
      unsubscribeUrl: n.category === 'transactional' ? null : link,
    };
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      let handled = 0;
      try {
        this.#running = this.runOnce();
        handled = await this.#running;
      } catch (error) {
        this.log.error({ err: error }, 'notification sender round failed');
      }
      // Back to back while there is work; otherwise wait a poll interval.
      if (!this.#stopped) this.#timer = setTimeout(tick, handled >= BATCH ? 0 : this.config.pollIntervalMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
    for (const c of Object.values(this.channels)) c?.close?.();
  }
}
