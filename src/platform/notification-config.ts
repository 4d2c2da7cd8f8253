import { envReader } from './env-reader.js';

/**
 * Notifications to buyers and the helpdesk. Each channel is off until its setting is given; none has a
 * default secret (the unsubscribe-link key, when not given, is generated once and kept in the database).
 */
export interface NotificationConfig {
  /**
   * NOTIFICATIONS_ENABLED=false: no consumer makes notifications, nothing is sent, no reminders (the
   * templates stay editable). For a shop that sends none, and for bench:orders' on/off comparison.
   */
  enabled: boolean;
  /** smtp://user:pass@host:587 or smtps://…; without it no e-mail is sent. */
  smtpUrl: string | undefined;
  /** The From of every e-mail. */
  mailFrom: string;
  /** SMTP connections kept open per process (nodemailer's pool). */
  smtpMaxConnections: number;
  /** Aliyun SMS (dysmsapi): key pair, signature name; all three or none. */
  aliyunSms: { accessKeyId: string; accessKeySecret: string; signName: string; endpoint: string } | undefined;
  /** Where helpdesk tickets are posted (checked by the webhook SSRF guard), and its signing secret. */
  helpdeskUrl: string | undefined;
  helpdeskSecret: string | undefined;
  /** Key of unsubscribe links; generated and stored when not given. */
  unsubscribeSecret: string | undefined;
  /** The address buyers reach OrderSync at, for unsubscribe links. */
  publicUrl: string;
  /** A failing send is tried again after base × 2^(attempt−1), capped at an hour; this many attempts. */
  retryBaseMs: number;
  maxAttempts: number;
  /** How long before an unpaid order is cancelled its buyer is reminded. */
  paymentReminderLeadSeconds: number;
  /** How often a sending process looks for due notifications. */
  pollIntervalMs: number;
}

export function loadNotificationConfig(
  env: NodeJS.ProcessEnv,
  problems: string[],
  defaultPublicUrl: string,
): NotificationConfig {
  const { int, url, duration } = envReader(env, problems);
  const smsKey = env.ALIYUN_SMS_ACCESS_KEY_ID || undefined;
  const smsSecret = env.ALIYUN_SMS_ACCESS_KEY_SECRET || undefined;
  const smsSign = env.ALIYUN_SMS_SIGN_NAME || undefined;
  const smsGiven = [smsKey, smsSecret, smsSign].filter(Boolean).length;
  if (smsGiven > 0 && smsGiven < 3) {
    problems.push(
      'ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME: all three or none',
    );
  }
  const unsubscribeSecret = env.UNSUBSCRIBE_SECRET || undefined;
  if (unsubscribeSecret && unsubscribeSecret.length < 32)
    problems.push('UNSUBSCRIBE_SECRET: at least 32 characters');
  const helpdeskSecret = env.HELPDESK_WEBHOOK_SECRET || undefined;
  const helpdeskUrl = url('HELPDESK_WEBHOOK_URL', /^https?:\/\//, 'an http:// or https:// URL');
  if (helpdeskUrl && !helpdeskSecret) problems.push('HELPDESK_WEBHOOK_URL: needs HELPDESK_WEBHOOK_SECRET');
  const enabled = env.NOTIFICATIONS_ENABLED || 'true';
  if (!['true', 'false'].includes(enabled)) problems.push('NOTIFICATIONS_ENABLED: expected true or false');
  return {
    enabled: enabled !== 'false',
    smtpUrl: url('SMTP_URL', /^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
    mailFrom: env.MAIL_FROM || 'OrderSync <no-reply@ordersync.invalid>',
    smtpMaxConnections: int('SMTP_MAX_CONNECTIONS', 5, 1, 100),
    aliyunSms:
      smsKey && smsSecret && smsSign
        ? {
            accessKeyId: smsKey,
            accessKeySecret: smsSecret,
            signName: smsSign,
            endpoint:
              url('ALIYUN_SMS_ENDPOINT', /^https?:\/\//, 'an http:// or https:// URL') ??
              'https://dysmsapi.aliyuncs.com/',
          }
        : undefined,
    helpdeskUrl,
    helpdeskSecret,
    unsubscribeSecret,
    publicUrl: (url('PUBLIC_URL', /^https?:\/\//, 'an http:// or https:// URL') ?? defaultPublicUrl).replace(
      /\/$/,
      '',
    ),
    retryBaseMs: int('NOTIFY_RETRY_BASE_MS', 2000, 1, 3_600_000),
    maxAttempts: int('NOTIFY_MAX_ATTEMPTS', 10, 1, 100),
    paymentReminderLeadSeconds: duration('PAYMENT_REMINDER_LEAD', 10 * 60, '600, 10m or 1h'),
    pollIntervalMs: int('NOTIFY_POLL_INTERVAL_MS', 200, 10, 60_000),
  };
}
