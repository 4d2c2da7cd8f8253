import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, DataTable, Outcome, PagedTable, PageHeader, Query, Section } from '../ui/kit';
import { SearchForm, useSearchedPages } from '../ui/search';
import { AddNote } from './support-note';

export default function Customers() {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string | null>(null);
  const search = useSearchedPages('customers', (q, cursor) =>
    must(api.GET('/v1/customers', { params: { query: { q, limit: 20, cursor } } })),
  );
  return (
    <>
      <PageHeader title={t('customers')} />
      <SearchForm search={search} label={t('search')} placeholder={t('searchCustomers')} />
      <div className="two-columns">
        <PagedTable
          query={search.query}
          pages={search.pages}
          caption={t('customers')}
          rowKey={(c) => c.id}
          selected={selected}
          columns={[
            {
              header: t('name'),
              cell: (c) => (
                <button type="button" className="link" onClick={() => setSelected(c.id)}>
                  {c.name ?? c.email ?? c.id}
                </button>
              ),
            },
            { header: 'E-mail', cell: (c) => c.email ?? '—' },
            { header: t('phone'), cell: (c) => c.phone ?? '—' },
          ]}
        />
        {selected && <CustomerOverview key={selected} id={selected} />}
      </div>
    </>
  );
}

/** What support sees of one customer on one page: value, orders with their state, addresses, notes. */
function CustomerOverview({ id }: { id: string }) {
  const { t, money, date } = useI18n();
  const overview = useQuery({
    queryKey: ['customer', id],
    queryFn: () => must(api.GET('/v1/customers/{id}/overview', { params: { path: { id } } })),
  });
  return (
    <Query query={overview}>
      {({ customer: c, orders }) => (
        <Section title={c.name ?? c.email ?? t('customer')}>
          <dl className="facts">
            <dt>E-mail</dt>
            <dd>{c.email ?? '—'}</dd>
            <dt>{t('phone')}</dt>
            <dd>{c.phone ?? '—'}</dd>
            <dt>{t('language')}</dt>
            <dd>{c.locale}</dd>
            <dt>{t('lifetimeValue')}</dt>
            <dd>
              {c.lifetimeValue
                .map((v) => `${money(v.net, v.currency)} (${v.orders} ${t('orders')})`)
                .join(' · ') || '—'}
            </dd>
            <dt>{t('tags')}</dt>
            <dd>{c.tags.join(', ') || '—'}</dd>
          </dl>
          <h3>{t('orders')}</h3>
          <DataTable
            caption={t('orders')}
            rows={orders}
            rowKey={(o) => o.id}
            columns={[
              { header: t('number'), cell: (o) => <Link href={`/orders/${o.id}`}>{o.number}</Link> },
              { header: t('placedAt'), cell: (o) => date(o.placedAt) },
              { header: t('status'), cell: (o) => <Badge value={o.status} /> },
              { header: t('total'), className: 'num', cell: (o) => money(o.totals.grandTotal, o.currency) },
            ]}
          />
          <h3>{t('addresses')}</h3>
          <ul className="plain">
            {c.addresses.map((a) => (
              <li key={a.id}>
                {a.name}, {[a.line1, a.district, a.city, a.province, a.country].filter(Boolean).join(', ')}
              </li>
            ))}
          </ul>
          <h3>{t('notes')}</h3>
          <ul className="plain">
            {c.notes.map((n) => (
              <li key={n.id}>
                <span className="muted">
                  {date(n.createdAt)} · {n.author}
                </span>
                <span className="block">{n.body}</span>
              </li>
            ))}
          </ul>
          <AddNote on={{ customer: c.id }} />
          <DataRequests customerId={c.id} />
        </Section>
      )}
    </Query>
  );
}

/** The customer's data requests: an export to download, an erasure (refused while orders are open). */
function DataRequests({ customerId }: { customerId: string }) {
  const { t, value } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(null);
  const [sure, setSure] = useState(false);
  const start = useMutation({
    mutationFn: (kind: 'export' | 'erase') =>
      must(
        kind === 'export'
          ? api.POST('/v1/customers/{id}/export', { params: { path: { id: customerId } }, headers: once() })
          : api.POST('/v1/customers/{id}/erase', { params: { path: { id: customerId } }, headers: once() }),
      ),
    onSuccess: (job) => setJobId(job.id),
  });
  const job = useQuery({
    queryKey: ['privacy-request', jobId],
    enabled: jobId !== null,
    queryFn: () => must(api.GET('/v1/privacy-requests/{id}', { params: { path: { id: jobId! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'queued' ? 500 : false),
  });
  const done = job.data?.status === 'done';
  // The archive is behind the API key, so it is fetched and handed to the browser as a file.
  const download = async () => {
    const archive = await must(
      api.GET('/v1/privacy-requests/{id}/archive', { params: { path: { id: jobId! } } }),
    );
    const url = URL.createObjectURL(
      new Blob([JSON.stringify(archive, null, 2)], { type: 'application/json' }),
    );
    const a = Object.assign(document.createElement('a'), {
      href: url,
      download: `customer-${customerId}.json`,
    });
    a.click();
    URL.revokeObjectURL(url);
  };
  if (!can('POST /v1/customers/{id}/export')) return null;
  return (
    <>
      <h3>{t('dataRequests')}</h3>
      <div className="inline-form">
        <button type="button" disabled={start.isPending} onClick={() => start.mutate('export')}>
          {t('exportData')}
        </button>
        <label className="check">
          <input type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} />
          {t('eraseConfirm')}
        </label>
        <button
          type="button"
          className="danger"
          disabled={!sure || start.isPending}
          onClick={() => start.mutate('erase')}
        >
          {t('eraseData')}
        </button>
      </div>
      <Outcome error={start.error ?? job.error} success={false} />
      {job.data && (
        <p role="status">
          {value(job.data.kind)}: <Badge value={job.data.status} />
          {job.data.error && <span className="block problem">{job.data.error}</span>}
          {done && job.data.kind === 'export' && (
            <button type="button" className="link" onClick={download}>
              {t('downloadArchive')}
            </button>
          )}
          {done && job.data.kind === 'erase' && (
            <button
              type="button"
              className="link"
              onClick={() => client.invalidateQueries({ queryKey: ['customer', customerId] })}
            >
              {t('refresh')}
            </button>
          )}
        </p>
      )}
    </>
  );
}
