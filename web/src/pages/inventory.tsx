import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSearch } from 'wouter';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import {
  Badge,
  DataTable,
  Field,
  Outcome,
  PagedTable,
  PageHeader,
  Query,
  Section,
  useCursorPages,
} from '../ui/kit';
import { FiltersForm } from '../ui/search';

const REASONS = ['receipt', 'count', 'damage', 'return', 'correction'] as const;

export default function Inventory() {
  const { t, number, date } = useI18n();
  const { can } = useSession();
  const initialSku = new URLSearchParams(useSearch()).get('sku') ?? '';
  const [skuInput, setSkuInput] = useState(initialSku);
  const [filter, setFilter] = useState({ sku: initialSku, warehouse: '' });
  const pages = useCursorPages(filter);
  const warehouses = useQuery({
    queryKey: ['warehouses'],
    queryFn: () => must(api.GET('/v1/warehouses', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
  const levels = useQuery({
    queryKey: ['inventory', filter, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/inventory', {
          params: {
            query: {
              sku: filter.sku || undefined,
              warehouse: filter.warehouse || undefined,
              limit: 50,
              cursor: pages.cursor,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  // Days of cover per SKU × warehouse come from the analytics rollups (admin and support read them).
  const showCover = can('GET /v1/analytics/stock');
  const cover = useQuery({
    queryKey: ['analytics', 'stock'],
    queryFn: () => must(api.GET('/v1/analytics/stock', { params: { query: { limit: 1000 } } })),
    enabled: showCover,
    staleTime: 60_000,
    select: (report) =>
      new Map(
        report.skus.flatMap((s) =>
          s.warehouses.map((w) => [`${s.sku}/${w.warehouse}`, w.daysOfCover] as const),
        ),
      ),
  });
  const adjustments = useQuery({
    queryKey: ['inventory', 'adjustments', filter],
    queryFn: () =>
      must(
        api.GET('/v1/inventory/adjustments', {
          params: {
            query: { sku: filter.sku || undefined, warehouse: filter.warehouse || undefined, limit: 10 },
          },
        }),
      ),
    enabled: can('GET /v1/inventory/adjustments'),
  });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ ...filter, sku: skuInput.trim() });
  };

  return (
    <>
      <PageHeader title={t('inventory')} />
      <FiltersForm onSubmit={apply}>
        <Field label={t('filterSku')}>
          <input type="search" value={skuInput} onChange={(e) => setSkuInput(e.target.value)} />
        </Field>
        <Field label={t('warehouse')}>
          <select
            value={filter.warehouse}
            onChange={(e) => setFilter({ ...filter, warehouse: e.target.value })}
          >
            <option value="">{t('all')}</option>
            {warehouses.data?.data.map((w) => (
              <option key={w.id} value={w.code}>
                {w.code} — {w.name}
              </option>
            ))}
          </select>
        </Field>
      </FiltersForm>
      {can('POST /v1/inventory/adjustments') && (
        <AdjustForm sku={filter.sku} warehouses={warehouses.data?.data.map((w) => w.code) ?? []} />
      )}
      <PagedTable
        query={levels}
        pages={pages}
        caption={t('inventory')}
        rowKey={(l) => `${l.sku}/${l.warehouseId}`}
        rowClass={(l) => (l.sellable <= l.safetyStock ? 'low' : undefined)}
        columns={[
          { header: t('sku'), cell: (l) => l.sku },
          { header: t('warehouse'), cell: (l) => l.warehouseCode },
          { header: t('onHand'), className: 'num', cell: (l) => number(l.onHand) },
          { header: t('reserved'), className: 'num', cell: (l) => number(l.reserved) },
          { header: t('available'), className: 'num', cell: (l) => number(l.available) },
          { header: t('safetyStock'), className: 'num', cell: (l) => number(l.safetyStock) },
          { header: t('sellable'), className: 'num', cell: (l) => number(l.sellable) },
          ...(showCover
            ? [
                {
                  header: <abbr title={t('daysOfCoverHelp')}>{t('daysOfCover')}</abbr>,
                  className: 'num',
                  cell: (l: { sku: string; warehouseCode: string }) => {
                    const days = cover.data?.get(`${l.sku}/${l.warehouseCode}`);
                    return days == null ? '—' : number(days);
                  },
                },
              ]
            : []),
        ]}
      />
      {can('GET /v1/inventory/adjustments') && (
        <Section title={t('adjustments')}>
          <Query query={adjustments} empty={(p) => p.data.length === 0}>
            {(page) => (
              <DataTable
                caption={t('adjustments')}
                rows={page.data}
                rowKey={(a) => a.id}
                columns={[
                  { header: t('placedAt'), cell: (a) => date(a.createdAt) },
                  { header: t('sku'), cell: (a) => a.sku },
                  { header: t('warehouse'), cell: (a) => a.warehouseCode },
                  {
                    header: t('delta'),
                    className: 'num',
                    cell: (a) => (a.delta > 0 ? `+${number(a.delta)}` : number(a.delta)),
                  },
                  { header: t('onHand'), className: 'num', cell: (a) => number(a.onHandAfter) },
                  { header: t('reason'), cell: (a) => <Badge value={a.reason} /> },
                  { header: t('note'), cell: (a) => a.note ?? '' },
                ]}
              />
            )}
          </Query>
        </Section>
      )}
    </>
  );
}

function AdjustForm({ sku, warehouses }: { sku: string; warehouses: string[] }) {
  const { t, value } = useI18n();
  const client = useQueryClient();
  const [form, setForm] = useState({ sku, warehouse: '', delta: '', reason: 'receipt', note: '' });
  const warehouse = form.warehouse || warehouses[0] || '';
  const adjust = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/inventory/adjustments', {
          body: {
            sku: form.sku.trim(),
            warehouse,
            delta: Number(form.delta),
            reason: form.reason as (typeof REASONS)[number],
            note: form.note.trim() || undefined,
          },
          headers: once(),
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['inventory'] }),
  });
  return (
    <Section title={t('adjust')}>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          adjust.mutate();
        }}
      >
        <Field label={t('sku')}>
          <input
            required
            name="sku"
            value={form.sku}
            onChange={(e) => setForm({ ...form, sku: e.target.value })}
          />
        </Field>
        <Field label={t('warehouse')}>
          <select
            name="warehouse"
            value={warehouse}
            onChange={(e) => setForm({ ...form, warehouse: e.target.value })}
          >
            {warehouses.map((w) => (
              <option key={w}>{w}</option>
            ))}
          </select>
        </Field>
        <Field label={t('delta')}>
          <input
            required
            name="delta"
            type="number"
            step={1}
            value={form.delta}
            onChange={(e) => setForm({ ...form, delta: e.target.value })}
          />
        </Field>
        <Field label={t('reason')}>
          <select
            name="reason"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          >
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {value(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('note')} wide>
          <input
            name="note"
            maxLength={500}
            value={form.note}
            onChange={(e) => setForm({ ...form, note: e.target.value })}
          />
        </Field>
        <button type="submit" className="primary" disabled={adjust.isPending}>
          {t('adjust')}
        </button>
        <Outcome error={adjust.error} success={adjust.isSuccess} />
      </form>
    </Section>
  );
}
