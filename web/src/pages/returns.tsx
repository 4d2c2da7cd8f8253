import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, once } from '../api/client';
import type { Return } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, Field, Outcome, Section, Suggestions } from '../ui/kit';
import { QueuePage } from '../ui/queue';

const STATUSES = ['requested', 'approved', 'rejected', 'received', 'refunded', 'exchanged'] as const;

export default function Returns() {
  const { t } = useI18n();
  return (
    <QueuePage
      title={t('returnQueue')}
      name="returns"
      statuses={STATUSES}
      initial="requested"
      load={({ status, cursor }) =>
        must(api.GET('/v1/returns', { params: { query: { status, limit: 50, cursor } } }))
      }
      columns={[
        { header: t('type'), cell: (r) => <Badge value={r.type} /> },
        { header: t('reason'), cell: (r) => <Badge value={r.reason} /> },
        { header: t('status'), cell: (r) => <Badge value={r.status} /> },
      ]}
      panel={(item, onChanged) => <ReturnPanel item={item} onChanged={onChanged} />}
    />
  );
}

function ReturnPanel({ item, onChanged }: { item: Return; onChanged: (r: Return) => void }) {
  const { t, money } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  // The return as GET /v1/returns/{id} answers it: with the knowledge-base articles suggested for it.
  const detail = useQuery({
    queryKey: ['return', item.id, item.status],
    queryFn: () => must(api.GET('/v1/returns/{id}', { params: { path: { id: item.id } } })),
  });
  const articles = detail.data?.suggestedArticles ?? [];
  const step = useMutation({
    mutationFn: (action: 'approve' | 'reject' | 'receive' | 'refund') => {
      const path = { params: { path: { id: item.id } }, headers: once() };
      const noted = { note: note.trim() || undefined };
      switch (action) {
        case 'approve':
          return must(api.POST('/v1/returns/{id}/approve', { ...path, body: noted }));
        case 'reject':
          return must(api.POST('/v1/returns/{id}/reject', { ...path, body: { note: note.trim() } }));
        case 'receive':
          return must(api.POST('/v1/returns/{id}/receive', { ...path, body: {} }));
        case 'refund':
          return must(api.POST('/v1/returns/{id}/refund', { ...path, body: {} }));
      }
    },
    onSuccess: (r) => {
      onChanged(r);
      return client.invalidateQueries({ queryKey: ['returns'] });
    },
  });
  const allowed = (action: string) => can(`POST /v1/returns/{id}/${action}`);
  return (
    <Section title={`${t('returns')} · ${item.id.slice(-8)}`}>
      <p>
        <Badge value={item.type} /> <Badge value={item.status} /> <Badge value={item.reason} />
      </p>
      {item.note && <blockquote>{item.note}</blockquote>}
      <ul>
        {item.lines.map((l) => (
          <li key={l.lineId}>
            {l.sku} × {l.quantity}
          </li>
        ))}
      </ul>
      {item.refundAmount !== null && (
        <p>
          {t('refund')}: {money(item.refundAmount, 'CNY')}
        </p>
      )}
      <p>
        <Link href={`/orders/${item.orderId}`}>{t('orders')} →</Link>
      </p>
      <div className="form-grid">
        <Field label={t('decisionNote')} wide>
          <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <div className="row">
          {item.status === 'requested' && allowed('approve') && (
            <button type="button" className="primary" onClick={() => step.mutate('approve')}>
              {t('approve')}
            </button>
          )}
          {item.status === 'requested' && allowed('reject') && (
            <button
              type="button"
              className="danger"
              disabled={!note.trim()}
              onClick={() => step.mutate('reject')}
            >
              {t('reject')}
            </button>
          )}
          {item.status === 'approved' && allowed('receive') && (
            <button type="button" onClick={() => step.mutate('receive')}>
              {t('receive')}
            </button>
          )}
          {['approved', 'received'].includes(item.status) && allowed('refund') && (
            <button type="button" onClick={() => step.mutate('refund')}>
              {t('refundReturn')}
            </button>
          )}
        </div>
        <Outcome error={step.error} success={step.isSuccess} />
      </div>
      <Suggestions articles={articles} />
    </Section>
  );
}
