import type { Selectable } from 'kysely';
import type { Conn, Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { DEFAULT_TEMPLATES, type TemplateContent } from './default-templates.js';
import {
  CHANNELS,
  type Channel,
  isTransactional,
  KIND_NAMES,
  type Kind,
  LOCALES,
  type Locale,
} from './notification-kinds.js';
import type { NotificationTemplatesTable } from './notifications.tables.js';
import { sampleContext } from './template-context.js';
import { renderTemplate, TemplateProblem } from './template-engine.js';
import {
  findAllLatestTemplates,
  findLatestTemplates,
  findTemplateVersions,
  insertTemplateVersion,
} from './templates.repository.js';

/** A template in use: the newest stored version, or the shipped default (version 0). */
export interface EffectiveTemplate extends TemplateContent {
  kind: Kind;
  locale: Locale;
  channel: Channel;
  version: number;
  createdBy: string | null;
  createdAt: Date | null;
}

/** Aliyun SMS limits every template variable to 35 characters. */
export const SMS_PARAM_MAX = 35;

const fromRow = (r: Selectable<NotificationTemplatesTable>): EffectiveTemplate => ({
  kind: r.kind as Kind,
  locale: r.locale as Locale,
  channel: r.channel,
  version: r.version,
  subject: r.subject,
  body: r.body,
  smsTemplateCode: r.sms_template_code,
  smsParams: r.sms_params,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const defaultOf = (kind: Kind, locale: Locale, channel: Channel): EffectiveTemplate | undefined => {
  const content = DEFAULT_TEMPLATES[kind]?.[channel]?.[locale];
  return content && { kind, locale, channel, version: 0, ...content, createdBy: null, createdAt: null };
};

/** The templates in use for one kind and locale, by channel. */
export async function templatesFor(
  db: Conn,
  kind: Kind,
  locale: Locale,
): Promise<Map<Channel, EffectiveTemplate>> {
  const found = new Map<Channel, EffectiveTemplate>();
  for (const channel of CHANNELS) {
    const d = defaultOf(kind, locale, channel);
    if (d) found.set(channel, d);
  }
  for (const row of await findLatestTemplates(db, kind, locale)) found.set(row.channel, fromRow(row));
  return found;
}

export async function listTemplates(
  db: Db,
  filter: { kind?: Kind; locale?: Locale; channel?: Channel },
): Promise<EffectiveTemplate[]> {
  const all = new Map<string, EffectiveTemplate>();
  for (const kind of KIND_NAMES)
    for (const locale of LOCALES)
      for (const channel of CHANNELS) {
        const d = defaultOf(kind, locale, channel);
        if (d) all.set(`${kind}/${locale}/${channel}`, d);
      }
  for (const row of await findAllLatestTemplates(db))
    all.set(`${row.kind}/${row.locale}/${row.channel}`, fromRow(row));
  return [...all.values()].filter(
    (t) =>
      (!filter.kind || t.kind === filter.kind) &&
      (!filter.locale || t.locale === filter.locale) &&
      (!filter.channel || t.channel === filter.channel),
  );
}

export async function templateVersions(db: Db, kind: Kind, locale: Locale, channel: Channel) {
  const stored = (await findTemplateVersions(db, kind, locale, channel)).map(fromRow);
  const d = defaultOf(kind, locale, channel);
  return d ? [...stored, d] : stored;
}

const refusal = (p: TemplateProblem) =>
  new AppError(
    'unprocessable',
    `${p.field}: ${p.line ? `line ${p.line}, column ${p.column}: ` : ''}${p.message}`,
    {
      errors: [{ field: p.field, message: p.message }],
      field: p.field,
      line: p.line ?? null,
      column: p.column ?? null,
    },
  );

/** What a channel needs of a template; a missing part is a 422 naming it. */
function checkShape(channel: Channel, t: TemplateContent): void {
  const missing = (field: string, why: string) =>
    new AppError('unprocessable', `${field}: ${why}`, { errors: [{ field, message: why }] });
  if (channel !== 'sms' && !t.subject) throw missing('subject', `a ${channel} template needs a subject`);
  if (channel === 'sms') {
    if (!t.smsTemplateCode)
      throw missing('smsTemplateCode', 'an SMS template needs the Aliyun template code');
    if (!t.smsParams || Object.keys(t.smsParams).length === 0)
      throw missing('smsParams', 'an SMS template needs its parameters (name → Liquid)');
  }
}

/**
 * Renders a template's parts. A Liquid syntax error, an unknown variable or filter, or an SMS
 * parameter past Aliyun's 35 characters is a TemplateProblem naming the field and line.
 */
export function renderContent(t: TemplateContent, context: object): TemplateContent {
  const smsParams = t.smsParams
    ? Object.fromEntries(
        Object.entries(t.smsParams).map(([name, source]) => [
          name,
          renderTemplate(`smsParams.${name}`, source, context),
        ]),
      )
    : null;
  return {
    subject: t.subject === null ? null : renderTemplate('subject', t.subject, context),
    body: renderTemplate('body', t.body, context),
    smsTemplateCode: t.smsTemplateCode,
    smsParams,
  };
}

/** A template is refused at save time when it does not render against a sample order (422 with the line). */
export function checkTemplate(kind: Kind, locale: Locale, channel: Channel, t: TemplateContent): void {
  checkShape(channel, t);
  let rendered: TemplateContent;
  try {
    rendered = renderContent(t, sampleContext(kind, locale, !isTransactional(kind)));
  } catch (error) {
    if (error instanceof TemplateProblem) throw refusal(error);
    throw error;
  }
  for (const [name, value] of Object.entries(rendered.smsParams ?? {})) {
    if (value.length > SMS_PARAM_MAX)
      throw refusal(
        new TemplateProblem(
          `smsParams.${name}`,
          `renders ${value.length} characters for the sample order; Aliyun allows ${SMS_PARAM_MAX} per variable`,
          undefined,
          undefined,
        ),
      );
  }
}

export async function saveTemplate(
  db: Db,
  key: { kind: Kind; locale: Locale; channel: Channel },
  content: TemplateContent,
  actor: string,
): Promise<EffectiveTemplate> {
  checkTemplate(key.kind, key.locale, key.channel, content);
  const row = await inTransaction(db, (trx) => insertTemplateVersion(trx, key, content, actor));
  return fromRow(row);
}
