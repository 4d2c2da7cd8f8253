import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, must, once } from '../api/client';
import type { LoadedOrder } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { DataTable, Disclosure, Field, Query, Section } from '../ui/kit';
import { useOrderCommand } from './order-actions';

/** Orders still editable: nothing has left or been prepared (the API answers 409 otherwise). */
const EDITABLE = new Set(['pending_payment', 'placed', 'paid']);
const ADDRESS_FIELDS = ['name', 'phone', 'country', 'province', 'city', 'line1', 'postalCode'] as const;
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;
type Totals = { grandTotal?: number };

/** The order's edits (oldest first) and, for a role that may, an edit form. */
export function OrderEdits({ loaded }: { loaded: LoadedOrder }) {
  const { t, money, date } = useI18n();
  const { can } = useSession();
  const { order, shipments } = loaded;
  const m = (minor: number) => money(minor, order.currency);
  const edits = useQuery({
    queryKey: ['order', order.id, 'edits', order.version],
    queryFn: () => must(api.GET('/v1/orders/{id}/edits', { params: { path: { id: order.id } } })),
  });
  const editable = can('POST /v1/orders/{id}/edits') && EDITABLE.has(order.status) && shipments.length === 0;
  return (
    <Section title={t('edits')}>
      {editable && <EditForm loaded={loaded} />}
      <Query query={edits} empty={(list) => list.length === 0}>
        {(list) => (
          <DataTable
            caption={t('edits')}
            rows={list}
            rowKey={(e) => e.id}
            columns={[
              { header: '#', cell: (e) => e.version },
              { header: t('when'), cell: (e) => date(e.createdAt) },
              { header: t('actor'), cell: (e) => e.actor },
              { header: t('reason'), cell: (e) => e.reason ?? '' },
              {
                header: t('grandTotal'),
                className: 'num',
                cell: (e) =>
                  `${m((e.before as { totals?: Totals }).totals?.grandTotal ?? 0)} → ${m((e.after as { totals?: Totals }).totals?.grandTotal ?? 0)}`,
              },
              { header: t('difference'), className: 'num', cell: (e) => m(e.difference) },
              { header: t('refunded'), className: 'num', cell: (e) => m(e.refunded) },
              { header: t('due'), className: 'num', cell: (e) => m(e.due) },
            ]}
          />
        )}
      </Query>
    </Section>
  );
}

function EditForm({ loaded }: { loaded: LoadedOrder }) {
  const { t, money } = useI18n();
  const { order } = loaded;
  const keys = Object.keys(order.addresses);
  const [quantities, setQuantities] = useState(() =>
    Object.fromEntries(order.lines.map((l) => [l.id, String(l.quantity)])),
  );
  const [add, setAdd] = useState({ sku: '', quantity: '1' });
  const [addressKey, setAddressKey] = useState('');
  const [address, setAddress] = useState<AddressForm | null>(null);
  const [shipping, setShipping] = useState({ key: keys[0] ?? '', option: '' });
  const [reason, setReason] = useState('');
  // what each address can switch to, priced by the API as the edit will be
  const options = useQuery({
    queryKey: ['order', order.id, 'shipping-options', order.version],
    queryFn: () => must(api.GET('/v1/orders/{id}/shipping-options', { params: { path: { id: order.id } } })),
  });
  const choices = options.data?.addresses.find((a) => a.address === shipping.key);
  const edit = useOrderCommand(order.id, () => {
    const lines = order.lines
      .filter((l) => Number(quantities[l.id]) !== l.quantity)
      .map((l) => ({ lineId: l.id, quantity: Number(quantities[l.id]) }));
    const trimmed = address && {
      ...Object.fromEntries(Object.entries(address).filter(([, v]) => v.trim() !== '')),
    };
    return must(
      api.POST('/v1/orders/{id}/edits', {
        params: { path: { id: order.id } },
        body: {
          lines: lines.length ? lines : undefined,
          add: add.sku.trim() ? [{ sku: add.sku.trim(), quantity: Number(add.quantity) }] : undefined,
          addresses: addressKey && trimmed ? { [addressKey]: trimmed as never } : undefined,
          shipping: shipping.option ? { [shipping.key]: shipping.option } : undefined,
          reason: reason.trim() || undefined,
          version: order.version,
        },
        headers: once(),
      }),
    );
  });
  const pickAddress = (key: string) => {
    setAddressKey(key);
    const current = (order.addresses[key] ?? {}) as Record<string, unknown>;
    setAddress(
      key
        ? (Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, String(current[f] ?? '')])) as AddressForm)
        : null,
    );
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    edit.mutate(undefined);
  };
  const result = edit.data;
  return (
    <Disclosure label={t('editOrder')}>
      {() => (
        <form className="form-grid" onSubmit={submit} aria-label={t('editOrder')}>
          {order.lines.map((l) => (
            <Field key={l.id} label={t('quantityOf', { sku: l.sku })}>
              <input
                type="number"
                min={0}
                max={999}
                required
                value={quantities[l.id] ?? ''}
                onChange={(e) => setQuantities({ ...quantities, [l.id]: e.target.value })}
              />
            </Field>
          ))}
          <p className="muted wide">{t('zeroRemoves')}</p>
          <Field label={t('addSku')}>
            <input value={add.sku} maxLength={64} onChange={(e) => setAdd({ ...add, sku: e.target.value })} />
          </Field>
          <Field label={t('addQuantity')}>
            <input
              type="number"
              min={1}
              max={999}
              value={add.quantity}
              onChange={(e) => setAdd({ ...add, quantity: e.target.value })}
            />
          </Field>
          {keys.length > 0 && (
            <Field label={t('changeAddress')}>
              <select value={addressKey} onChange={(e) => pickAddress(e.target.value)}>
                <option value="">{t('keepAddress')}</option>
                {keys.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </Field>
          )}
          {address &&
            ADDRESS_FIELDS.map((f) => (
              <Field key={f} label={t(`address_${f}`)}>
                <input
                  value={address[f]}
                  maxLength={200}
                  required={f !== 'province' && f !== 'postalCode'}
                  onChange={(e) => setAddress({ ...address, [f]: e.target.value })}
                />
              </Field>
            ))}
          {keys.length > 1 && (
            <Field label={t('shippingFor')}>
              <select value={shipping.key} onChange={(e) => setShipping({ key: e.target.value, option: '' })}>
                {keys.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('shippingOption')}>
            <select
              value={shipping.option}
              onChange={(e) => setShipping({ ...shipping, option: e.target.value })}
            >
              <option value="">{t('keepShipping', { current: choices?.current ?? '—' })}</option>
              {choices?.options
                .filter((o) => o.id !== choices.current)
                .map((o) => (
                  <option key={o.id} value={o.id}>
                    {t('shippingChoice', {
                      option: o.id,
                      price: money(o.price, order.currency),
                      // the promise in the console's language, not the API's words
                      days: o.minDays === o.maxDays ? o.maxDays : `${o.minDays}–${o.maxDays}`,
                      total: money(o.total, order.currency),
                    })}
                  </option>
                ))}
            </select>
          </Field>
          <Field label={t('reason')} wide>
            <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="row">
            <button type="submit" className="primary" disabled={edit.isPending}>
              {t('saveEdit')}
            </button>
          </div>
          <p aria-live="polite" className={edit.error ? 'problem' : 'ok'}>
            {edit.error
              ? t('error', { detail: edit.error.message })
              : result
                ? t(result.edit.difference >= 0 ? 'editCharged' : 'editRefunded', {
                    total: money(result.order.totals.grandTotal, order.currency),
                    difference: money(Math.abs(result.edit.difference), order.currency),
                    refunded: money(result.edit.refunded, order.currency),
                    due: money(result.edit.due, order.currency),
                  })
                : ''}
          </p>
        </form>
      )}
    </Disclosure>
  );
}
