import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { type Answer, api, must, once } from '../api/client';
import { toMinor, useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, Field, Outcome, Section, Suggestions } from '../ui/kit';
import { QueuePage } from '../ui/queue';
import { Photos } from './order-claims';

type Claim = Answer<'/v1/claims', 'get'>['data'][number];
const STATUSES = ['open', 'resolved', 'rejected'] as const;
const RESOLUTIONS = ['refund', 'replacement', 'compensation'] as const;

/** The claims queue beside the returns queue: pick a claim, read the suggestions, resolve or reject it. */
export default function Claims() {
  const { t } = useI18n();
  return (
    <QueuePage
      title={t('claimQueue')}
      name="claims"
      statuses={STATUSES}
      initial="open"
      load={({ status, cursor }) =>
        must(api.GET('/v1/claims', { params: { query: { status, limit: 50, cursor } } }))
      }
      columns={[
        { header: t('kind'), cell: (c) => <Badge value={c.kind} /> },
        { header: t('lines'), cell: (c) => c.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ') },
        { header: t('status'), cell: (c) => <Badge value={c.status} /> },
      ]}
      panel={(item, onChanged) => <ClaimPanel item={item} onChanged={onChanged} />}
    />
  );
}

function ClaimPanel({ item, onChanged }: { item: Claim; onChanged: (c: Claim) => void }) {
  const { t, value, money } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [form, setForm] = useState({
    resolution: 'refund' as (typeof RESOLUTIONS)[number],
    amount: '',
    note: '',
  });
  // GET /v1/claims/{id} adds the knowledge-base articles suggested for its kind.
  const detail = useQuery({
    queryKey: ['claim', item.id, item.status],
    queryFn: () => must(api.GET('/v1/claims/{id}', { params: { path: { id: item.id } } })),
  });
  const order = useQuery({
    queryKey: ['order', item.orderId, 'currency'],
    queryFn: () => must(api.GET('/v1/orders/{id}', { params: { path: { id: item.orderId } } })),
    staleTime: Infinity,
  });
  const currency = order.data?.currency ?? 'CNY';
  const step = useMutation({
    mutationFn: (action: 'resolve' | 'reject') => {
      const path = { params: { path: { id: item.id } }, headers: once() };
      const note = form.note.trim() || undefined;
      if (action === 'reject')
        return must(api.POST('/v1/claims/{id}/reject', { ...path, body: { note: note! } }));
      const amount = form.resolution === 'compensation' ? toMinor(form.amount, currency) : undefined;
      return must(
        api.POST('/v1/claims/{id}/resolve', { ...path, body: { resolution: form.resolution, amount, note } }),
      );
    },
    onSuccess: (c) => {
      onChanged(c);
      return Promise.all([
        client.invalidateQueries({ queryKey: ['claims'] }),
        client.invalidateQueries({ queryKey: ['order', item.orderId] }),
      ]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    step.mutate('resolve');
  };
  const articles = detail.data?.suggestedArticles ?? [];
  const open = item.status === 'open';
  return (
    <Section title={`${t('claims')} · ${item.id.slice(-8)}`}>
      <p>
        <Badge value={item.kind} /> <Badge value={item.status} />
        {item.resolution && (
          <>
            {' '}
            <Badge value={item.resolution} />
          </>
        )}
        {item.amount !== null && ` ${money(item.amount, currency)}`}
      </p>
      {item.note && <blockquote>{item.note}</blockquote>}
      <ul>
        {item.lines.map((l) => (
          <li key={l.lineId}>
            {l.sku} × {l.quantity}
          </li>
        ))}
      </ul>
      <Photos urls={item.photos} />
      {item.decisionNote && <p className="muted">{item.decisionNote}</p>}
      <p>
        <Link href={`/orders/${item.orderId}`}>{t('orders')} →</Link>
      </p>
      {open && (can('POST /v1/claims/{id}/resolve') || can('POST /v1/claims/{id}/reject')) && (
        <form className="form-grid" onSubmit={submit} aria-label={t('decideClaim')}>
          {can('POST /v1/claims/{id}/resolve') && (
            <Field label={t('resolution')}>
              <select
                value={form.resolution}
                onChange={(e) => setForm({ ...form, resolution: e.target.value as typeof form.resolution })}
              >
                {RESOLUTIONS.map((r) => (
                  <option key={r} value={r}>
                    {value(r)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {form.resolution === 'compensation' && (
            <Field label={t('compensationAmount', { currency })}>
              <input
                inputMode="decimal"
                required
                pattern="[0-9]+([.,][0-9]{1,2})?"
                value={form.amount}
                onChange={(e) => setForm({ ...form, amount: e.target.value })}
              />
            </Field>
          )}
          <Field label={t('decisionNote')} wide>
            <input
              value={form.note}
              maxLength={2000}
              onChange={(e) => setForm({ ...form, note: e.target.value })}
            />
          </Field>
          <div className="row">
            {can('POST /v1/claims/{id}/resolve') && (
              <button type="submit" className="primary" disabled={step.isPending}>
                {t('resolveClaim')}
              </button>
            )}
            {can('POST /v1/claims/{id}/reject') && (
              <button
                type="button"
                className="danger"
                disabled={!form.note.trim() || step.isPending}
                onClick={() => step.mutate('reject')}
              >
                {t('reject')}
              </button>
            )}
          </div>
        </form>
      )}
      <Outcome error={step.error} success={step.isSuccess} />
      <Suggestions articles={articles} />
    </Section>
  );
}
