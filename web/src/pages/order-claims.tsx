import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, must, once } from '../api/client';
import type { LoadedOrder } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, DataTable, Disclosure, Field, Outcome, Query, Section } from '../ui/kit';
import { useOrderCommand } from './order-actions';

export const CLAIM_KINDS = ['missing', 'damaged', 'wrong_item'] as const;
/** Orders a parcel has left for: only these can have arrived missing, damaged or wrong. */
const SHIPPED = new Set(['partially_shipped', 'shipped', 'delivered', 'completed']);

/** Photos as the API takes them: https URLs, one a line. */
const photoList = (text: string) =>
  text
    .split(/\s+/)
    .map((u) => u.trim())
    .filter(Boolean);

/** The order's claims, and a form to open one for a role that may. */
export function OrderClaims({ loaded }: { loaded: LoadedOrder }) {
  const { t, money, date } = useI18n();
  const { can } = useSession();
  const { order } = loaded;
  const claims = useQuery({
    queryKey: ['order', order.id, 'claims', order.version],
    queryFn: () => must(api.GET('/v1/orders/{id}/claims', { params: { path: { id: order.id } } })),
  });
  return (
    <Section title={t('claims')}>
      {can('POST /v1/orders/{id}/claims') && SHIPPED.has(order.status) && <OpenClaim loaded={loaded} />}
      <Query query={claims} empty={(list) => list.length === 0}>
        {(list) => (
          <DataTable
            caption={t('claims')}
            rows={list}
            rowKey={(c) => c.id}
            columns={[
              { header: t('placedAt'), cell: (c) => date(c.createdAt) },
              { header: t('kind'), cell: (c) => <Badge value={c.kind} /> },
              { header: t('status'), cell: (c) => <Badge value={c.status} /> },
              { header: t('lines'), cell: (c) => c.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ') },
              { header: t('photos'), cell: (c) => <Photos urls={c.photos} /> },
              {
                header: t('resolution'),
                cell: (c) =>
                  c.resolution ? (
                    <>
                      <Badge value={c.resolution} />
                      {c.amount !== null && ` ${money(c.amount, order.currency)}`}
                    </>
                  ) : (
                    (c.decisionNote ?? '')
                  ),
              },
            ]}
          />
        )}
      </Query>
    </Section>
  );
}

export function Photos({ urls }: { urls: string[] }) {
  const { t } = useI18n();
  return (
    <>
      {urls.map((u, i) => (
        <a key={u} href={u} target="_blank" rel="noreferrer noopener" className="block">
          {t('photoN', { n: i + 1 })}
        </a>
      ))}
    </>
  );
}

function OpenClaim({ loaded }: { loaded: LoadedOrder }) {
  const { t, value } = useI18n();
  const { order } = loaded;
  const [kind, setKind] = useState<(typeof CLAIM_KINDS)[number]>('damaged');
  const [units, setUnits] = useState<Record<string, string>>({});
  const [photos, setPhotos] = useState('');
  const [note, setNote] = useState('');
  const open = useOrderCommand(order.id, () =>
    must(
      api.POST('/v1/orders/{id}/claims', {
        params: { path: { id: order.id } },
        body: {
          kind,
          lines: order.lines
            .filter((l) => Number(units[l.id] ?? 0) > 0)
            .map((l) => ({ lineId: l.id, quantity: Number(units[l.id]) })),
          photos: photoList(photos).length ? photoList(photos) : undefined,
          note: note.trim() || undefined,
        },
        headers: once(),
      }),
    ),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    open.mutate(undefined);
  };
  return (
    <Disclosure label={t('openClaim')}>
      {() => (
        <form className="form-grid" onSubmit={submit} aria-label={t('openClaim')}>
          <Field label={t('kind')}>
            <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
              {CLAIM_KINDS.map((k) => (
                <option key={k} value={k}>
                  {value(k)}
                </option>
              ))}
            </select>
          </Field>
          {order.lines.map((l) => (
            <Field key={l.id} label={t('claimUnitsOf', { sku: l.sku })}>
              <input
                type="number"
                min={0}
                max={l.quantity}
                value={units[l.id] ?? '0'}
                onChange={(e) => setUnits({ ...units, [l.id]: e.target.value })}
              />
            </Field>
          ))}
          <Field label={t('photoUrls')} wide>
            <textarea
              rows={2}
              value={photos}
              placeholder="https://…"
              required={kind !== 'missing'}
              onChange={(e) => setPhotos(e.target.value)}
            />
          </Field>
          <Field label={t('note')} wide>
            <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <div className="row">
            <button type="submit" className="primary" disabled={open.isPending}>
              {t('openClaim')}
            </button>
          </div>
          <Outcome error={open.error} success={open.isSuccess} />
        </form>
      )}
    </Disclosure>
  );
}
