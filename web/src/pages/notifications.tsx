import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Answer, ApiProblem, api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, DataTable, Field, Outcome, PageHeader, Query, Section } from '../ui/kit';

type Template = Answer<'/v1/notification-templates', 'get'>[number];
type Key = Pick<Template, 'kind' | 'locale' | 'channel'>;
const keyOf = (t: Key) => `${t.kind}/${t.locale}/${t.channel}`;

export default function Notifications() {
  const { t, value } = useI18n();
  const [editing, setEditing] = useState<Key | null>(null);
  const templates = useQuery({
    queryKey: ['notification-templates'],
    queryFn: () => must(api.GET('/v1/notification-templates')),
  });
  const current = editing && templates.data?.find((x) => keyOf(x) === keyOf(editing));
  return (
    <>
      <PageHeader title={t('notifications')} />
      <div className="two-columns">
        <Section title={t('templates')}>
          <Query query={templates} empty={(l) => l.length === 0}>
            {(list) => (
              <DataTable
                caption={t('templates')}
                rows={list}
                rowKey={keyOf}
                selected={editing && keyOf(editing)}
                columns={[
                  {
                    header: t('event'),
                    cell: (tpl) => (
                      <button type="button" className="link" onClick={() => setEditing(tpl)}>
                        {value(tpl.kind)}
                      </button>
                    ),
                  },
                  { header: t('language'), cell: (tpl) => tpl.locale },
                  { header: t('channel'), cell: (tpl) => value(tpl.channel) },
                  {
                    header: t('version'),
                    className: 'num',
                    cell: (tpl) => (tpl.version === 0 ? t('shippedDefault') : tpl.version),
                  },
                ]}
              />
            )}
          </Query>
        </Section>
        {current && <TemplateEditor key={keyOf(current)} template={current} />}
      </div>
    </>
  );
}

/**
 * Edits one template: preview renders the text as typed against a real order (nothing saved);
 * save stores it as a new version, refused with the line of the error when it does not render.
 */
function TemplateEditor({ template }: { template: Template }) {
  const { t, value } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [subject, setSubject] = useState(template?.subject ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const [orderId, setOrderId] = useState('');
  const orders = useQuery({
    queryKey: ['orders', 'recent'],
    queryFn: () => must(api.GET('/v1/orders', { params: { query: { limit: 20 } } })),
  });
  const key = { kind: template.kind, locale: template.locale, channel: template.channel };
  const content = () => ({
    subject: template.channel === 'email' ? subject : null,
    body,
    smsTemplateCode: template.smsTemplateCode,
    smsParams: template.smsParams,
  });
  const chosen = orderId || orders.data?.data[0]?.id || '';
  const preview = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/notification-templates/preview', {
          body: { ...key, orderId: chosen, template: content() },
        }),
      ),
  });
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PUT('/v1/notification-templates/{kind}/{locale}/{channel}', {
          params: { path: key },
          body: content(),
          headers: once(),
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['notification-templates'] }),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  return (
    <Section
      title={t('editTemplate', {
        name: `${value(template.kind)} · ${template.locale} · ${value(template.channel)}`,
      })}
    >
      <form
        className="form-grid"
        aria-label={t('editTemplate', { name: keyOf(template) })}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        {template.channel === 'email' && (
          <Field label={t('subject')} wide>
            <input required maxLength={500} value={subject} onChange={(e) => setSubject(e.target.value)} />
          </Field>
        )}
        <Field label={t('templateBody')} wide>
          <textarea
            required
            rows={10}
            maxLength={20_000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        </Field>
        <Field label={t('previewOrder')}>
          <select value={chosen} onChange={(e) => setOrderId(e.target.value)}>
            {orders.data?.data.map((o) => (
              <option key={o.id} value={o.id}>
                {o.number}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" disabled={!chosen || preview.isPending} onClick={() => preview.mutate()}>
          {t('preview')}
        </button>
        {can('PUT /v1/notification-templates/{kind}/{locale}/{channel}') && (
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('saveVersion')}
          </button>
        )}
        <Outcome error={save.error ?? preview.error} success={save.isSuccess} />
        {problem?.errors.map((e) => (
          <p key={e.field + e.message} className="problem">
            {e.field}: {e.message}
          </p>
        ))}
      </form>
      {preview.data && (
        <section className="preview" aria-label={t('preview')}>
          {preview.data.subject && <h3>{preview.data.subject}</h3>}
          {/* Messages are plain text (e-mails go out as text/plain): shown as sent, never as markup. */}
          <pre className="code">{preview.data.body}</pre>
        </section>
      )}
    </Section>
  );
}

/** The order's delivery log, with resend for what was sent or failed. */
export function OrderNotifications({ orderId }: { orderId: string }) {
  const { t, value, date } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const log = useQuery({
    queryKey: ['notifications', orderId],
    queryFn: () => must(api.GET('/v1/notifications', { params: { query: { orderId } } })),
  });
  const resend = useMutation({
    mutationFn: (id: string) =>
      must(api.POST('/v1/notifications/{id}/resend', { params: { path: { id } }, headers: once() })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['notifications', orderId] }),
  });
  return (
    <Section title={t('notifications')}>
      <Query query={log} empty={(l) => l.length === 0}>
        {(list) => (
          <DataTable
            caption={t('notifications')}
            rows={list}
            rowKey={(n) => n.id}
            columns={[
              { header: t('when'), cell: (n) => date(n.sentAt ?? n.createdAt) },
              { header: t('event'), cell: (n) => value(n.kind) },
              { header: t('channel'), cell: (n) => value(n.channel) },
              { header: t('recipient'), cell: (n) => n.recipient ?? '—' },
              {
                header: t('status'),
                cell: (n) => (
                  <>
                    <Badge value={n.status} />
                    {(n.lastError ?? n.skipReason) && (
                      <span className="muted block">{n.lastError ?? n.skipReason}</span>
                    )}
                  </>
                ),
              },
              {
                header: t('actions'),
                cell: (n) =>
                  can('POST /v1/notifications/{id}/resend') &&
                  (n.status === 'sent' || n.status === 'failed') && (
                    <button type="button" disabled={resend.isPending} onClick={() => resend.mutate(n.id)}>
                      {t('resend')}
                    </button>
                  ),
              },
            ]}
          />
        )}
      </Query>
    </Section>
  );
}
