import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Answer, api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, Field, Outcome, PageHeader, Pager, Query, Section, Table, useCursorPages } from '../ui/kit';

type Product = Answer<'/v1/products/{id}', 'get'>;
const STATUSES = ['draft', 'active', 'archived'] as const;

export default function Catalog() {
  const { t, money } = useI18n();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const pages = useCursorPages(search);
  const list = useQuery({
    queryKey: ['products', search, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/products', {
          params: { query: { q: search || undefined, limit: 20, cursor: pages.cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(q.trim());
  };
  return (
    <>
      <PageHeader title={t('catalog')} />
      <form className="filters card" onSubmit={submit}>
        <Field label={t('searchProducts')} wide>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <div className="row">
          <button type="submit" className="primary">
            {t('search')}
          </button>
        </div>
      </form>
      <div className="two-columns">
        <Query query={list} empty={(p) => p.data.length === 0}>
          {(page) => (
            <div>
              <Table caption={t('catalog')}>
                <thead>
                  <tr>
                    <th scope="col">{t('title')}</th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col" className="num">
                      {t('price')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((p) => (
                    <tr key={p.id} aria-selected={p.id === selected}>
                      <td>
                        <button type="button" className="link" onClick={() => setSelected(p.id)}>
                          {p.title}
                        </button>
                      </td>
                      <td>
                        <Badge value={p.status} />
                      </td>
                      <td className="num">
                        {money(p.minPrice, p.currency)}
                        {p.maxPrice !== p.minPrice ? ` – ${money(p.maxPrice, p.currency)}` : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pager pages={pages} nextCursor={page.nextCursor} />
            </div>
          )}
        </Query>
        {selected && <ProductPanel id={selected} />}
      </div>
    </>
  );
}

function ProductPanel({ id }: { id: string }) {
  const { t, money } = useI18n();
  const { can } = useSession();
  const product = useQuery({
    queryKey: ['product', id],
    queryFn: () => must(api.GET('/v1/products/{id}', { params: { path: { id } } })),
  });
  return (
    <Query query={product}>
      {(p) => (
        <Section title={p.title}>
          <Table caption={t('variants')}>
            <thead>
              <tr>
                <th scope="col">{t('sku')}</th>
                <th scope="col">{t('title')}</th>
                <th scope="col" className="num">
                  {t('price')}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.variants.map((v) => (
                <tr key={v.id}>
                  <td>{v.sku}</td>
                  <td>{v.title}</td>
                  <td className="num">{money(v.price, v.currency)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
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

function ProductEditor({ product }: { product: Product }) {
  const { t, value } = useI18n();
  const client = useQueryClient();
  const [form, setForm] = useState({ title: product.title, status: product.status });
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PATCH('/v1/products/{id}', { params: { path: { id: product.id } }, body: form, headers: once() }),
      ),
    onSuccess: () =>
      client
        .invalidateQueries({ queryKey: ['product'] })
        .then(() => client.invalidateQueries({ queryKey: ['products'] })),
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
      <Field label={t('status')}>
        <select
          value={form.status}
          onChange={(e) => setForm({ ...form, status: e.target.value as Product['status'] })}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {value(s)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('save')}
      </button>
      <Outcome error={save.error} success={save.isSuccess} />
    </form>
  );
}
