import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, must } from '../api/client';
import { allOrders, type OrderQuery, ordersCsv } from '../api/orders';
import { useI18n } from '../i18n/locale';
import { Badge, Field, PageHeader, Pager, Query, Table, useCursorPages } from '../ui/kit';

const STATUSES = [
  'pending_payment',
  'placed',
  'paid',
  'partially_shipped',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'closed',
] as const;

type Filters = Omit<OrderQuery, 'limit' | 'cursor'>;

/** A date input's day as the start (or the end) of that local day, in UTC. */
const dayBound = (day: string, end: boolean) => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
};

export default function Orders() {
  const { t, value, money, date } = useI18n();
  const [filters, setFilters] = useState<Filters>({});
  const [form, setForm] = useState({ q: '', status: '', channel: '', from: '', to: '' });
  const pages = useCursorPages(filters);
  const [exporting, setExporting] = useState<number | null>(null);
  const list = useQuery({
    queryKey: ['orders', 'list', filters, pages.cursor],
    queryFn: () =>
      must(api.GET('/v1/orders', { params: { query: { ...filters, limit: 50, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilters({
      q: form.q.trim() || undefined,
      status: (form.status || undefined) as Filters['status'],
      channel: form.channel.trim() || undefined,
      from: dayBound(form.from, false),
      to: dayBound(form.to, true),
    });
  }

  async function exportCsv() {
    setExporting(0);
    try {
      const orders = await allOrders(filters, 10_000, setExporting);
      const url = URL.createObjectURL(new Blob([ordersCsv(orders)], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `orders-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } finally {
      setExporting(null);
    }
  }

  return (
    <>
      <PageHeader title={t('orders')}>
        <button type="button" onClick={exportCsv} disabled={exporting !== null}>
          {exporting === null ? t('exportCsv') : t('exporting', { n: exporting })}
        </button>
      </PageHeader>
      <form className="filters card" onSubmit={apply}>
        <Field label={t('search')} wide>
          <input
            type="search"
            name="q"
            placeholder={t('searchOrders')}
            value={form.q}
            onChange={(e) => setForm({ ...form, q: e.target.value })}
          />
        </Field>
        <Field label={t('status')}>
          <select
            name="status"
            value={form.status}
            onChange={(e) => setForm({ ...form, status: e.target.value })}
          >
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {value(s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('channel')}>
          <input
            name="channel"
            value={form.channel}
            onChange={(e) => setForm({ ...form, channel: e.target.value })}
          />
        </Field>
        <Field label={t('from')}>
          <input
            type="date"
            name="from"
            value={form.from}
            onChange={(e) => setForm({ ...form, from: e.target.value })}
          />
        </Field>
        <Field label={t('to')}>
          <input
            type="date"
            name="to"
            value={form.to}
            onChange={(e) => setForm({ ...form, to: e.target.value })}
          />
        </Field>
        <div className="row">
          <button type="submit" className="primary">
            {t('search')}
          </button>
          <button
            type="button"
            onClick={() => {
              setForm({ q: '', status: '', channel: '', from: '', to: '' });
              setFilters({});
            }}
          >
            {t('reset')}
          </button>
        </div>
      </form>
      <Query query={list} empty={(p) => p.data.length === 0}>
        {(page) => (
          <>
            <Table caption={t('orders')}>
              <thead>
                <tr>
                  <th scope="col">{t('number')}</th>
                  <th scope="col">{t('placedAt')}</th>
                  <th scope="col">{t('customer')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('paymentStatus')}</th>
                  <th scope="col">{t('fulfillmentStatus')}</th>
                  <th scope="col">{t('channel')}</th>
                  <th scope="col" className="num">
                    {t('total')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link href={`/orders/${o.id}`}>{o.number}</Link>
                    </td>
                    <td>{date(o.placedAt)}</td>
                    <td>
                      {o.customer ? (o.customer.name ?? o.customer.email) : '—'}
                      <br />
                      <span className="muted">{o.customer?.phone ?? o.customer?.email}</span>
                    </td>
                    <td>
                      <Badge value={o.status} />
                    </td>
                    <td>
                      <Badge value={o.paymentStatus} />
                    </td>
                    <td>
                      <Badge value={o.fulfillmentStatus} />
                    </td>
                    <td>{o.channel}</td>
                    <td className="num">{money(o.totals.grandTotal, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager pages={pages} nextCursor={page.nextCursor} />
          </>
        )}
      </Query>
    </>
  );
}
