import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { TemplateContent } from './default-templates.js';
import type { Channel } from './notification-kinds.js';

/** The newest stored version per channel of one kind and locale (select distinct on (channel) …). */
export function findLatestTemplates(db: Conn, kind: string, locale: string) {
  return db
    .selectFrom('notification_templates')
    .selectAll()
    .distinctOn('channel')
    .where('kind', '=', kind)
    .where('locale', '=', locale)
    .orderBy('channel')
    .orderBy('version', 'desc')
    .execute();
}

/** The newest stored version of every template. */
export function findAllLatestTemplates(db: Conn) {
  return db
    .selectFrom('notification_templates')
    .selectAll()
    .distinctOn(['kind', 'locale', 'channel'])
    .orderBy('kind')
    .orderBy('locale')
    .orderBy('channel')
    .orderBy('version', 'desc')
    .execute();
}

export function findTemplateVersions(db: Conn, kind: string, locale: string, channel: Channel) {
  return db
    .selectFrom('notification_templates')
    .selectAll()
    .where('kind', '=', kind)
    .where('locale', '=', locale)
    .where('channel', '=', channel)
    .orderBy('version', 'desc')
    .execute();
}

/**
 * Stores the next version: max + 1 taken in the insert itself; two saves racing for one number meet
 * the unique key and the second is a 409 (the caller saves again).
 */
export async function insertTemplateVersion(
  trx: Trx,
  key: { kind: string; locale: string; channel: Channel },
  content: TemplateContent,
  createdBy: string,
) {
  return trx
    .insertInto('notification_templates')
    .columns([
      'id',
      'kind',
      'locale',
      'channel',
      'version',
      'subject',
      'body',
      'sms_template_code',
      'sms_params',
      'created_by',
    ])
    .expression((eb) =>
      eb
        .selectFrom('notification_templates')
        .select([
          sql`${newId()}::uuid`.as('id'),
          sql.val(key.kind).as('kind'),
          sql.val(key.locale).as('locale'),
          sql.val(key.channel).as('channel'),
          sql<number>`coalesce(max(version), 0) + 1`.as('version'),
          sql.val(content.subject).as('subject'),
          sql.val(content.body).as('body'),
          sql.val(content.smsTemplateCode).as('sms_template_code'),
          sql`${content.smsParams ? JSON.stringify(content.smsParams) : null}::jsonb`.as('sms_params'),
          sql.val(createdBy).as('created_by'),
        ])
        .where('kind', '=', key.kind)
        .where('locale', '=', key.locale)
        .where('channel', '=', key.channel),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
