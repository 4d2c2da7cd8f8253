import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, once } from '../api/client';
import type { Return } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, Field, Outcome, PageHeader, Pager, Query, Section, Table, useCursorPages } from '../ui/kit';

const STATUSES = ['requested', 'approved', 'rejected', 'received', 'refunded', 'exchanged'] as const;
type Status = (typeof STATUSES)[number];

export default function Returns() {
  const { t, value, date } = useI18n();
  const [status, setStatus] = useState<Status | ''>('requested');
  const [selected, setSelected] = useState<Return | null>(null);
  const pages = useCursorPages(status);
  const list = useQuery({
    queryKey: ['returns', status, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/returns', {
          params: { query: { status: status || undefined, limit: 50, cursor: pages.cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title={t('returnQueue')} />
      <div className="filters card">
        <Field label={t('status')}>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {value(s)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="two-columns">
        <Query query={list} empty={(p) => p.data.length === 0}>
          {(page) => (
            <div>
              <Table caption={t('returnQueue')}>
                <thead>
                  <tr>
                    <th scope="col">{t('placedAt')}</th>
                    <th scope="col">{t('type')}</th>
                    <th scope="col">{t('reason')}</th>
                    <th scope="col">{t('status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((r) => (
                    <tr key={r.id} aria-selected={r.id === selected?.id}>
                      <td>
                        <button type="button" className="link" onClick={() => setSelected(r)}>
                          {date(r.createdAt)}
                        </button>
                      </td>
                      <td>
                        <Badge value={r.type} />
                      </td>
                      <td>
                        <Badge value={r.reason} />
                      </td>
                      <td>
                        <Badge value={r.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pager pages={pages} nextCursor={page.nextCursor} />
            </div>
          )}
        </Query>
        {selected && <ReturnPanel key={selected.id} item={selected} onChanged={setSelected} />}
      </div>
    </>
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
      {articles.length > 0 && (
        <>
          <h3>{t('suggestions')}</h3>
          <ul className="kb">
            {articles.map((a) => (
              <li key={a.id}>
                <details>
                  <summary>{a.title}</summary>
                  <p>{a.body}</p>
                </details>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
