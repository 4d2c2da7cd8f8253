import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, must, once } from '../api/client';
import { allOrders, type OrderQuery, type OrderSummary, ordersCsv } from '../api/orders';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, Field, PageHeader, Pager, Query, StatusSelect, Table, useCursorPages } from '../ui/kit';
import { FiltersForm } from '../ui/search';

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
/** The filter form as typed, before it is applied; empty: all orders. */
const NO_FILTERS = { q: '', status: '' as (typeof STATUSES)[number] | '', channel: '', from: '', to: '' };

/** A date input's day as the start (or the end) of that local day, in UTC. */
const dayBound = (day: string, end: boolean) => {
  if (!day) return undefined;
  const d = new Date(`${day}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
};

function downloadCsv(orders: OrderSummary[]) {
  const url = URL.createObjectURL(new Blob([ordersCsv(orders)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `orders-${new Date().toISOString().slice(0, 10)}.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

const CANCELLABLE = new Set(['pending_payment', 'placed', 'paid']);

export default function Orders() {
  const { t, money, date } = useI18n();
  const [filters, setFilters] = useState<Filters>({});
  const [form, setForm] = useState(NO_FILTERS);
  const pages = useCursorPages(filters);
  // The selection is of the page on screen: a new filter or page starts with none.
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [selectionKey, setSelectionKey] = useState('');
  const pageKey = JSON.stringify([filters, pages.cursor]);
  if (pageKey !== selectionKey) {
    setSelectionKey(pageKey);
    setSelected(new Set());
  }
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
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
      status: form.status || undefined,
      channel: form.channel.trim() || undefined,
      from: dayBound(form.from, false),
      to: dayBound(form.to, true),
    });
  }

  async function exportCsv() {
    setExporting(0);
    try {
      downloadCsv(await allOrders(filters, 10_000, setExporting));
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
      <FiltersForm
        onSubmit={apply}
        actions={
          <button
            type="button"
            onClick={() => {
              setForm(NO_FILTERS);
              setFilters({});
            }}
          >
            {t('reset')}
          </button>
        }
      >
        <Field label={t('search')} wide>
          <input
            type="search"
            name="q"
            placeholder={t('searchOrders')}
            value={form.q}
            onChange={(e) => setForm({ ...form, q: e.target.value })}
          />
        </Field>
        <StatusSelect
          statuses={STATUSES}
          value={form.status}
          onChange={(status) => setForm({ ...form, status })}
        />
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
      </FiltersForm>
      {/* Outside the list: its outcome stays on screen when the orders it changed leave the list. */}
      <BulkActions
        orders={list.data?.data.filter((o) => selected.has(o.id)) ?? []}
        onDone={() => setSelected(new Set())}
      />
      <Query query={list} empty={(p) => p.data.length === 0}>
        {(page) => (
          <>
            <Table caption={t('orders')}>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label={t('selectAll')}
                      checked={page.data.length > 0 && page.data.every((o) => selected.has(o.id))}
                      onChange={(e) =>
                        setSelected(new Set(e.target.checked ? page.data.map((o) => o.id) : []))
                      }
                    />
                  </th>
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
                  <tr key={o.id} aria-selected={selected.has(o.id)}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('selectOrder', { number: o.number })}
                        checked={selected.has(o.id)}
                        onChange={() => toggle(o.id)}
                      />
                    </td>
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

/**
 * Actions on the selected orders, one public API call per order (each with its own version and
 * Idempotency-Key), so a partial failure says which orders and why, and a retry is safe.
 */
function BulkActions({ orders, onDone }: { orders: OrderSummary[]; onDone: () => void }) {
  const { t } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [running, setRunning] = useState(false);
  const [outcome, setOutcome] = useState<{ done: number; failed: string[] } | null>(null);
  const cancellable = orders.filter((o) => CANCELLABLE.has(o.status));

  async function cancelAll() {
    setRunning(true);
    let done = 0;
    const failed: string[] = [];
    for (const o of cancellable) {
      try {
        await must(
          api.POST('/v1/orders/{id}/cancel', {
            params: { path: { id: o.id } },
            body: { reason: 'bulk cancel from the console', version: o.version },
            headers: once(),
          }),
        );
        done += 1;
      } catch (error) {
        failed.push(`${o.number}: ${(error as Error).message}`);
      }
    }
    setOutcome({ done, failed });
    setRunning(false);
    onDone();
    await client.invalidateQueries({ queryKey: ['orders'] });
  }

  return (
    <fieldset className="bulk-bar" aria-label={t('bulkActions')}>
      <span>{t('selectedCount', { n: orders.length })}</span>
      <button type="button" disabled={orders.length === 0} onClick={() => downloadCsv(orders)}>
        {t('exportSelected')}
      </button>
      {can('POST /v1/orders/{id}/cancel') && (
        <button
          type="button"
          className="danger"
          disabled={running || cancellable.length === 0}
          onClick={cancelAll}
        >
          {t('cancelSelected', { n: cancellable.length })}
        </button>
      )}
      <p aria-live="polite" className={outcome?.failed.length ? 'problem' : 'ok'}>
        {outcome && t('bulkOutcome', { done: outcome.done, failed: outcome.failed.length })}
        {outcome?.failed.map((f) => (
          <span key={f} className="block">
            {f}
          </span>
        ))}
      </p>
    </fieldset>
  );
}
