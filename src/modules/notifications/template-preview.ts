import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { NotificationConfig } from '../../platform/notification-config.js';
import { UNSUBSCRIBE_MARK } from './create-notifications.js';
import type { TemplateContent } from './default-templates.js';
import { type Channel, isTransactional, KINDS, type Kind, type Locale } from './notification-kinds.js';
import { checkTemplate, renderContent, templatesFor } from './notification-templates.js';
import { orderForNotification } from './recipient.js';
import { sampleContext, templateContext } from './template-context.js';
import { unsubscribeUrl } from './unsubscribe.js';

/**
 * A template rendered against a real order: the stored one, or the one given (checked as a save
 * would check it). The parcel, refund or return a kind mentions come from the sample, since a preview
 * has no event.
 */
export async function previewTemplate(
  db: Db,
  config: NotificationConfig,
  p: {
    kind: Kind;
    locale: Locale;
    channel: Channel;
    orderId: string;
    template?: Partial<TemplateContent> & { body: string };
  },
) {
  const found = await orderForNotification(db, p.orderId);
  if (!found) throw new AppError('not_found', `Order ${p.orderId} was not found`);
  let template: TemplateContent & { version: number | null };
  if (p.template) {
    template = {
      subject: p.template.subject ?? null,
      body: p.template.body,
      smsTemplateCode: p.template.smsTemplateCode ?? null,
      smsParams: p.template.smsParams ?? null,
      version: null,
    };
    checkTemplate(p.kind, p.locale, p.channel, template);
  } else {
    const stored = (await templatesFor(db, p.kind, p.locale)).get(p.channel);
    if (!stored)
      throw new AppError('not_found', `There is no ${p.channel} template for ${p.kind} in ${p.locale}`);
    template = stored;
  }
  const sample = sampleContext(p.kind, p.locale, true);
  const unsubscribable = !isTransactional(p.kind);
  const context = templateContext(p.kind, found.facts, p.locale, found.recipient.timeZone, {
    unsubscribe: unsubscribable ? UNSUBSCRIBE_MARK : undefined,
  });
  for (const part of KINDS[p.kind].has) context[part] = sample[part];
  const rendered = renderContent(template, context);
  const link = unsubscribable
    ? await unsubscribeUrl(db, config, {
        customerKey: found.recipient.customerKey,
        category: KINDS[p.kind].category,
        ...(p.channel === 'helpdesk' ? {} : { channel: p.channel }),
      })
    : '';
  return {
    ...rendered,
    subject: rendered.subject?.replaceAll(UNSUBSCRIBE_MARK, link) ?? null,
    body: rendered.body.replaceAll(UNSUBSCRIBE_MARK, link),
    templateVersion: template.version,
  };
}
