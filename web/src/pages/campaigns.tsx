import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Field, Outcome, PageHeader, Query, Section, Table } from '../ui/kit';

// The API has no campaign list yet: the console keeps the ids of campaigns made or opened here.
const STORAGE = 'ordersync.campaigns';
const remembered = (): string[] => JSON.parse(localStorage.getItem(STORAGE) ?? '[]');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default function Campaigns() {
  const { t } = useI18n();
  const { can } = useSession();
  const [ids, setIds] = useState<string[]>(remembered);
  const [lookup, setLookup] = useState('');
  const remember = (id: string) => {
    const next = [id, ...ids.filter((i) => i !== id)].slice(0, 20);
    localStorage.setItem(STORAGE, JSON.stringify(next));
    setIds(next);
  };
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (UUID.test(lookup.trim())) remember(lookup.trim());
  };
  return (
    <>
      <PageHeader title={t('campaigns')} />
      <form className="filters card" onSubmit={open}>
        <Field label={t('campaignId')} wide>
          <input value={lookup} pattern={UUID.source} onChange={(e) => setLookup(e.target.value)} />
        </Field>
        <div className="row">
          <button type="submit" className="primary">
            {t('openCampaign')}
          </button>
        </div>
      </form>
      {can('POST /v1/campaigns') && <CreateCampaign onCreated={remember} />}
      <Section title={t('recentCampaigns')}>
        {ids.length === 0 ? (
          <p className="muted">{t('none')}</p>
        ) : (
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
            <tbody>
              {ids.map((id) => (
                <CampaignRow key={id} id={id} />
              ))}
            </tbody>
          </Table>
        )}
      </Section>
    </>
  );
}

/** One campaign's counters, refreshed every two seconds while the page is open. */
function CampaignRow({ id }: { id: string }) {
  const { money, number, date } = useI18n();
  const campaign = useQuery({
    queryKey: ['campaign', id],
    queryFn: () => must(api.GET('/v1/campaigns/{id}', { params: { path: { id } } })),
    refetchInterval: 2_000,
  });
  return (
    <Query query={campaign}>
      {(c) => (
        <tr>
          <td>{c.name}</td>
          <td>{c.sku}</td>
          <td>{date(c.startsAt)}</td>
          <td>{date(c.endsAt)}</td>
          <td className="num">{number(c.allotted)}</td>
          <td className="num" aria-live="polite">
            {number(c.sold)}
          </td>
          <td className="num">{number(c.remaining)}</td>
          <td className="num">{money(c.price, 'CNY')}</td>
        </tr>
      )}
    </Query>
  );
}

const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function CreateCampaign({ onCreated }: { onCreated: (id: string) => void }) {
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
    onSuccess: (c) => onCreated(c.id),
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
