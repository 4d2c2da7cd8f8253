import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Answer, api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { DataTable, Field, Outcome, PageHeader, Section } from '../ui/kit';

type PickList = Answer<'/v1/pick-lists/{id}', 'get'>;

/** "A-03-2 SKU" or "SKU A-03-2", one a line, as a spreadsheet pastes them (tab, comma or spaces). */
function parseBins(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim().split(/[\t,;\s]+/))
    .filter((parts) => parts.length === 2 && parts[0] && parts[1])
    .map(([sku, location]) => ({ sku: sku!, location: location! }));
}

const today = () => new Date().toISOString().slice(0, 10);

/** A warehouse's bins and its pick lists for the day: created, then read in walking order and printed. */
export default function PickLists() {
  const { t } = useI18n();
  const { can } = useSession();
  const warehouses = useQuery({
    queryKey: ['warehouses'],
    queryFn: () => must(api.GET('/v1/warehouses', { params: { query: { limit: 200 } } })),
  });
  const [warehouse, setWarehouse] = useState('');
  const chosen = warehouse || warehouses.data?.data[0]?.code || '';
  const [lists, setLists] = useState<PickList[]>([]);
  return (
    <>
      <PageHeader title={t('pickLists')}>
        {lists.length > 0 && (
          <button type="button" onClick={() => window.print()}>
            {t('print')}
          </button>
        )}
      </PageHeader>
      <div className="filters card no-print">
        <Field label={t('warehouse')}>
          <select value={chosen} onChange={(e) => setWarehouse(e.target.value)}>
            {warehouses.data?.data.map((w) => (
              <option key={w.code} value={w.code}>
                {w.code} · {w.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {chosen && (
        <div className="two-columns no-print">
          {can('POST /v1/warehouses/{id}/pick-lists') && (
            <CreatePickLists warehouse={chosen} onCreated={setLists} />
          )}
          {can('PUT /v1/warehouses/{id}/bin-locations') && <BinLocations warehouse={chosen} />}
        </div>
      )}
      {lists.map((list) => (
        <PickListSheet key={list.id} list={list} />
      ))}
    </>
  );
}

function CreatePickLists({
  warehouse,
  onCreated,
}: {
  warehouse: string;
  onCreated: (l: PickList[]) => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = useState({ day: today(), maxShipments: '50' });
  const create = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/warehouses/{id}/pick-lists', {
          params: { path: { id: warehouse } },
          body: { day: form.day, maxShipments: Number(form.maxShipments) },
          headers: once(),
        }),
      ),
    onSuccess: onCreated,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <Section title={t('createPickList')}>
      <form className="form-grid" onSubmit={submit} aria-label={t('createPickList')}>
        <Field label={t('day')}>
          <input
            type="date"
            required
            value={form.day}
            onChange={(e) => setForm({ ...form, day: e.target.value })}
          />
        </Field>
        <Field label={t('maxShipments')}>
          <input
            type="number"
            min={1}
            max={500}
            required
            value={form.maxShipments}
            onChange={(e) => setForm({ ...form, maxShipments: e.target.value })}
          />
        </Field>
        <div className="row">
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('createPickList')}
          </button>
        </div>
        <p aria-live="polite" className={create.error ? 'problem' : 'ok'}>
          {create.error
            ? t('error', { detail: create.error.message })
            : create.data
              ? t('pickListsMade', { n: create.data.length })
              : ''}
        </p>
      </form>
    </Section>
  );
}

function BinLocations({ warehouse }: { warehouse: string }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PUT('/v1/warehouses/{id}/bin-locations', {
          params: { path: { id: warehouse } },
          body: { locations: parseBins(text) },
        }),
      ),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Section title={t('binLocations')}>
      <form className="form-grid" onSubmit={submit} aria-label={t('binLocations')}>
        <Field label={t('binLocationsHelp')} wide>
          <textarea
            rows={5}
            required
            value={text}
            placeholder={'TEE-CLS-M-WHT A-03-2\nMUG-BLK B-01-1'}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div className="row">
          <button type="submit" disabled={save.isPending || parseBins(text).length === 0}>
            {t('save')}
          </button>
        </div>
        <Outcome error={save.error} success={save.isSuccess} />
      </form>
    </Section>
  );
}

/** One pick list as the picker walks it: by bin, naturally ordered; printable on its own. */
function PickListSheet({ list }: { list: PickList }) {
  const { t, date, number } = useI18n();
  const shipmentNo = new Map(list.shipments.map((s, i) => [s.shipmentId, i + 1]));
  return (
    <section
      className="card pick-list"
      aria-label={t('pickListOf', { warehouse: list.warehouse, day: list.day })}
    >
      <h2>{t('pickListOf', { warehouse: list.warehouse, day: list.day })}</h2>
      <p className="muted">
        {list.createdBy} · {date(list.createdAt)} · {t('shipmentsN', { n: list.shipments.length })}
      </p>
      <DataTable
        caption={t('pickListOf', { warehouse: list.warehouse, day: list.day })}
        rows={list.lines}
        rowKey={(l) => String(l.seq)}
        columns={[
          { header: '#', cell: (l) => l.seq },
          { header: t('binLocation'), cell: (l) => <strong>{l.location ?? '—'}</strong> },
          { header: t('sku'), cell: (l) => l.sku },
          { header: t('quantity'), className: 'num', cell: (l) => number(l.quantity) },
          {
            header: t('shipments'),
            cell: (l) =>
              l.shipments.map((s) => `#${shipmentNo.get(s.shipmentId)} × ${s.quantity}`).join(', '),
          },
        ]}
      />
      <h3>{t('shipments')}</h3>
      <ol className="inline-list">
        {list.shipments.map((s) => (
          <li key={s.shipmentId}>
            {s.shipTo}
            {s.carrier ? ` · ${s.carrier}` : ''} <span className="muted">({s.orderId.slice(-8)})</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
