import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, NullableTime } from '../../platform/db/columns.js';
import type { Channel } from './notification-channels.js';

type JsonParams = ColumnType<Record<string, string> | null, string | null | undefined, string | null>;

export interface NotificationTemplatesTable {
  id: string;
  kind: string;
  locale: string;
  channel: Channel;
  version: number;
  subject: string | null;
  body: string;
  sms_template_code: string | null;
  sms_params: JsonParams;
  created_by: string;
  created_at: CreatedAt;
}

export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface NotificationsTable {
  id: string;
  dedupe_key: string;
  kind: string;
  category: string;
  urgent: boolean;
  channel: Channel;
  locale: string;
  order_id: string;
  customer_id: string | null;
  customer_key: string | null;
  source_event_id: string | null;
  recipient: string | null;
  status: NotificationStatus;
  skip_reason: string | null;
  subject: string | null;
  body: string | null;
  sms_template_code: string | null;
  sms_params: JsonParams;
  template_version: number | null;
  attempts: Generated<number>;
  next_attempt_at: CreatedAt;
  locked_by: string | null;
  locked_until: NullableTime;
  last_error: string | null;
  provider_message_id: string | null;
  resend_of: string | null;
  created_at: CreatedAt;
  sent_at: NullableTime;
}

export interface NotificationsTables {
  notification_templates: NotificationTemplatesTable;
  notifications: NotificationsTable;
  notification_secrets: { name: string; value: string };
}
