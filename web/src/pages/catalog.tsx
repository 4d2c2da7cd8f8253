import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { type Answer, api, must, once } from '../api/client';
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
  StatusSelect,
} from '../ui/kit';
import { SearchForm, useSearchedPages } from '../ui/search';

type Product = Answer<'/v1/products/{id}', 'get'>;
const STATUSES = ['draft', 'active', 'archived'] as const;

export default function Catalog() {
  const { t, money } = useI18n();
  const [selected, setSelected] = useState<string | null>(null);
  const search = useSearchedPages('products', (q, cursor) =>
    must(api.GET('/v1/products', { params: { query: { q, limit: 20, cursor } } })),
  );
  return (
    <>
      <PageHeader title={t('catalog')} />
      <SearchForm search={search} label={t('searchProducts')} />
      <div className="two-columns">
        <PagedTable
          query={search.query}
          pages={search.pages}
          caption={t('catalog')}
          rowKey={(p) => p.id}
          selected={selected}
          columns={[
            {
              header: t('title'),
              cell: (p) => (
                <button type="button" className="link" onClick={() => setSelected(p.id)}>
                  {p.title}
                </button>
              ),
            },
            { header: t('status'), cell: (p) => <Badge value={p.status} /> },
            {
              header: t('price'),
              className: 'num',
              cell: (p) =>
                `${money(p.minPrice, p.currency)}${p.maxPrice !== p.minPrice ? ` – ${money(p.maxPrice, p.currency)}` : ''}`,
            },
          ]}
        />
        {selected && <ProductPanel id={selected} />}
      </div>
      <Categories />
    </>
  );
}

/** The category tree (parents before children) with each category's own attribute schema. */
function Categories() {
  const { t } = useI18n();
  const tree = useQuery({
    queryKey: ['categories'],
    queryFn: () => must(api.GET('/v1/categories')),
    staleTime: 60_000,
  });
  return (
    <Section title={t('categories')}>
      <Query query={tree} empty={(page) => page.data.length === 0}>
        {(page) => (
          <DataTable
            caption={t('categories')}
            rows={page.data}
            rowKey={(c) => c.id}
            columns={[
              {
                header: t('name'),
                // indented by depth: the list comes ordered by path
                cell: (c) => <span style={{ paddingInlineStart: `${c.depth * 1.25}rem` }}>{c.name}</span>,
              },
              { header: t('slug'), cell: (c) => <code>{c.slug}</code> },
              {
                header: t('attributes'),
                cell: (c) =>
                  c.attributes.length === 0
                    ? '—'
                    : c.attributes.map((a) => (
                        <div key={a.name}>
                          <code>{a.name}</code> {a.type}
                          {a.required ? ` · ${t('required')}` : ''}
                          {a.values ? ` · ${a.values.join(' / ')}` : ''}
                        </div>
                      )),
              },
            ]}
          />
        )}
      </Query>
    </Section>
  );
}

function ProductPanel({ id }: { id: string }) {
  const { t, money } = useI18n();
  const { can } = useSession();
  // A support key sees prices but no price editor: the API would refuse it anyway.
  const canPrice = can('PATCH /v1/products/{id}/variants/{sku}');
  const product = useQuery({
    queryKey: ['product', id],
    queryFn: () => must(api.GET('/v1/products/{id}', { params: { path: { id } } })),
  });
  return (
    <Query query={product}>
      {(p) => (
        <Section title={p.title}>
          <DataTable
            caption={t('variants')}
            rows={p.variants}
            rowKey={(v) => v.id}
            columns={[
              { header: t('sku'), cell: (v) => v.sku },
              { header: t('title'), cell: (v) => v.title },
              { header: t('price'), className: 'num', cell: (v) => money(v.price, v.currency) },
              ...(canPrice
                ? [
                    {
                      header: t('newPrice'),
                      cell: (v: Product['variants'][number]) => <PriceEditor productId={p.id} variant={v} />,
                    },
                  ]
                : []),
            ]}
          />
          {can('PATCH /v1/products/{id}') ? (
            <ProductEditor key={p.id} product={p} />
          ) : (
            <p className="muted">{t('readOnly')}</p>
          )}
        </Section>
      )}
    </Query>
  );
}

/** After an edit: the product panel first, then the list that shows its status and prices. */
const refreshProducts = (client: QueryClient) =>
  client
    .invalidateQueries({ queryKey: ['product'] })
    .then(() => client.invalidateQueries({ queryKey: ['products'] }));

/** Digits after the point of a currency's major unit (CNY 2, JPY 0): minor units = major × 10^digits. */
const minorDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

function PriceEditor({ productId, variant }: { productId: string; variant: Product['variants'][number] }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const digits = minorDigits(variant.currency);
  const [major, setMajor] = useState((variant.price / 10 ** digits).toFixed(digits));
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PATCH('/v1/products/{id}/variants/{sku}', {
          params: { path: { id: productId, sku: variant.sku } },
          body: { price: Math.round(Number(major) * 10 ** digits) },
          headers: once(),
        }),
      ),
    onSuccess: () => refreshProducts(client),
  });
  return (
    <form
      className="inline-form"
      aria-label={t('priceOf', { sku: variant.sku })}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Field label={`${t('newPrice')} (${variant.currency})`}>
        <input
          type="number"
          inputMode="decimal"
          required
          min={0}
          step={1 / 10 ** digits}
          value={major}
          onChange={(e) => setMajor(e.target.value)}
        />
      </Field>
      <button type="submit" disabled={save.isPending}>
        {t('save')}
      </button>
      <Outcome error={save.error} success={save.isSuccess} />
    </form>
  );
}

function ProductEditor({ product }: { product: Product }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [form, setForm] = useState({ title: product.title, status: product.status });
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PATCH('/v1/products/{id}', { params: { path: { id: product.id } }, body: form, headers: once() }),
      ),
    onSuccess: () => refreshProducts(client),
  });
  return (
    <form
      className="form-grid"
      aria-label={t('editProduct')}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>{t('editProduct')}</h3>
      <Field label={t('title')} wide>
        <input
          required
          maxLength={200}
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
      </Field>
      <StatusSelect
        statuses={STATUSES}
        value={form.status}
        onChange={(status) => status && setForm({ ...form, status })}
        all={false}
      />
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('save')}
      </button>
      <Outcome error={save.error} success={save.isSuccess} />
    </form>
  );
}
