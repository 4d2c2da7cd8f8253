import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Field, Outcome, PageHeader, Pager, Query, Section, Table, useCursorPages } from '../ui/kit';

export default function Campaigns() {
  const { t, money, number, date } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const pages = useCursorPages(null);
  // Live counters: the page of campaigns is read again every two seconds while it is open.
  const list = useQuery({
    queryKey: ['campaigns', pages.cursor],
    queryFn: () => must(api.GET('/v1/campaigns', { params: { query: { limit: 20, cursor: pages.cursor } } })),
    refetchInterval: 2_000,
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title={t('campaigns')} />
      {can('POST /v1/campaigns') && (
        <CreateCampaign onCreated={() => client.invalidateQueries({ queryKey: ['campaigns'] })} />
      )}
      <Section title={t('recentCampaigns')}>
        <Query query={list} empty={(p) => p.data.length === 0}>
          {(page) => (
            <>
              <Table caption={t('counters')}>
                <thead>
                  <tr>
                    <th scope="col">{t('name')}</th>
                    <th scope="col">{t('sku')}</th>
                    <th scope="col">{t('startsAt')}</th>
                    <th scope="col">{t('endsAt')}</th>
                    <th scope="col" className="num">
                      {t('stock')}
                    </th>
                    <th scope="col" className="num">
                      {t('sold')}
                    </th>
                    <th scope="col" className="num">
                      {t('remaining')}
                    </th>
                    <th scope="col" className="num">
                      {t('price')}
                    </th>
                  </tr>
                </thead>
                <tbody aria-live="polite">
                  {page.data.map((c) => (
                    <tr key={c.id}>
                      <td>{c.name}</td>
                      <td>{c.sku}</td>
                      <td>{date(c.startsAt)}</td>
                      <td>{date(c.endsAt)}</td>
                      <td className="num">{number(c.allotted)}</td>
                      <td className="num">{number(c.sold)}</td>
                      <td className="num">{number(c.remaining)}</td>
                      <td className="num">{money(c.price, 'CNY')}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <Pager pages={pages} nextCursor={page.nextCursor} />
            </>
          )}
        </Query>
      </Section>
    </>
  );
}

const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function CreateCampaign({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const now = new Date();
  const [form, setForm] = useState({
    name: '',
    sku: '',
    startsAt: local(now),
    endsAt: local(new Date(now.getTime() + 3_600_000)),
    allotted: '100',
    perCustomerLimit: '1',
    price: '',
  });
  const create = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/campaigns', {
          body: {
            name: form.name.trim(),
            sku: form.sku.trim(),
            startsAt: new Date(form.startsAt).toISOString(),
            endsAt: new Date(form.endsAt).toISOString(),
            allotted: Number(form.allotted),
            perCustomerLimit: Number(form.perCustomerLimit),
            // Entered in yuan, sent in fen.
            price: Math.round(Number(form.price) * 100),
          },
          headers: once(),
        }),
      ),
    onSuccess: onCreated,
  });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [name]: e.target.value });
  return (
    <Section title={t('createCampaign')}>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={t('name')}>
          <input required maxLength={200} value={form.name} onChange={set('name')} />
        </Field>
        <Field label={t('sku')}>
          <input required value={form.sku} onChange={set('sku')} />
        </Field>
        <Field label={t('startsAt')}>
          <input required type="datetime-local" value={form.startsAt} onChange={set('startsAt')} />
        </Field>
        <Field label={t('endsAt')}>
          <input required type="datetime-local" value={form.endsAt} onChange={set('endsAt')} />
        </Field>
        <Field label={t('stock')}>
          <input required type="number" min={1} value={form.allotted} onChange={set('allotted')} />
        </Field>
        <Field label={t('perCustomer')}>
          <input
            required
            type="number"
            min={1}
            max={999}
            value={form.perCustomerLimit}
            onChange={set('perCustomerLimit')}
          />
        </Field>
        <Field label={`${t('price')} (CNY)`}>
          <input required type="number" min={0} step={0.01} value={form.price} onChange={set('price')} />
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('createCampaign')}
        </button>
        <Outcome error={create.error} success={create.isSuccess} />
      </form>
    </Section>
  );
}
