import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, must, once } from '../api/client';
import type { LoadedOrder, Payment } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Disclosure, Field, Outcome } from '../ui/kit';

/** A command on the order: runs, then reloads the order and the lists it appears in. */
export function useOrderCommand<T, R = unknown>(orderId: string, run: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ['order', orderId] }),
        client.invalidateQueries({ queryKey: ['orders'] }),
      ]),
  });
}

const CANCELLABLE = new Set(['pending_payment', 'placed', 'paid']);
const REFUNDABLE = new Set(['paid', 'partially_refunded']);
const IN_TRANSIT = new Set(['in_transit', 'out_for_delivery', 'exception']);

export function OrderActions({ loaded }: { loaded: LoadedOrder }) {
  const { can } = useSession();
  const { order, payments, shipments } = loaded;
  const refundable = payments.filter((p) => REFUNDABLE.has(p.status) && p.amount > p.refundedAmount);
  return (
    <div className="actions">
      {can('POST /v1/shipments/{id}/ship') &&
        can('POST /v1/orders/{id}/shipments') &&
        ['paid', 'placed', 'partially_shipped'].includes(order.status) && <ShipForm loaded={loaded} />}
      {can('POST /v1/payments/{id}/capture') &&
        payments
          .filter((p) => p.status === 'authorized')
          .map((p) => <CaptureButton key={p.id} orderId={order.id} payment={p} />)}
      {can('POST /v1/payments/{id}/refunds') && refundable.length > 0 && (
        <RefundForm loaded={loaded} payments={refundable} />
      )}
      {can('POST /v1/shipments/{id}/deliver') &&
        shipments
          .filter((s) => IN_TRANSIT.has(s.status))
          .map((s) => (
            <DeliverForm
              key={s.id}
              orderId={order.id}
              shipmentId={s.id}
              label={s.trackingNumber ?? s.warehouse}
            />
          ))}
      {can('POST /v1/payments/{id}/resolve') &&
        payments
          .filter((p) => p.status === 'held')
          .map((p) => <ResolveHeld key={p.id} orderId={order.id} payment={p} />)}
      {can('POST /v1/orders/{id}/confirm-receipt') && order.status === 'delivered' && (
        <ConfirmReceipt loaded={loaded} />
      )}
      {can('POST /v1/orders/{id}/cancel') && CANCELLABLE.has(order.status) && <CancelForm loaded={loaded} />}
    </div>
  );
}

function ShipForm({ loaded }: { loaded: LoadedOrder }) {
  const { t } = useI18n();
  const { order, shipments } = loaded;
  const carriers = useQuery({
    queryKey: ['carriers'],
    queryFn: () => must(api.GET('/v1/carriers')),
    staleTime: Infinity,
  });
  const shipped = new Set(shipments.filter((s) => s.status !== 'pending').map((s) => s.warehouse));
  const warehouses = [
    ...new Set(order.reservations.filter((r) => r.status === 'active').map((r) => r.warehouseCode)),
  ].filter((w) => !shipped.has(w));
  const [form, setForm] = useState({ warehouse: warehouses[0] ?? '', carrier: 'sf', trackingNumber: '' });
  const ship = useOrderCommand(order.id, async () => {
    // A shipment already made for that warehouse and not yet gone is the one to send.
    const waiting = shipments.find(
      (s) => s.status === 'pending' && s.warehouse === form.warehouse && !s.trackingNumber,
    );
    const shipment =
      waiting ??
      (await must(
        api.POST('/v1/orders/{id}/shipments', {
          params: { path: { id: order.id } },
          body: { warehouse: form.warehouse },
          headers: once(),
        }),
      ));
    return must(
      api.POST('/v1/shipments/{id}/ship', {
        params: { path: { id: shipment.id } },
        body: { carrier: form.carrier as 'sf', trackingNumber: form.trackingNumber.trim() },
        headers: once(),
      }),
    );
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ship.mutate(undefined);
  };
  return (
    <Disclosure label={t('ship')}>
      {() =>
        warehouses.length === 0 ? (
          <p className="muted">{t('nothingToShip')}</p>
        ) : (
          <form onSubmit={submit} className="form-grid">
            <Field label={t('shipFrom')}>
              <select
                value={form.warehouse}
                onChange={(e) => setForm({ ...form, warehouse: e.target.value })}
              >
                {warehouses.map((w) => (
                  <option key={w}>{w}</option>
                ))}
              </select>
            </Field>
            <Field label={t('carrier')}>
              <select value={form.carrier} onChange={(e) => setForm({ ...form, carrier: e.target.value })}>
                {carriers.data?.map((c) => (
                  <option key={c.code} value={c.code}>
                    {c.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('trackingNumber')}>
              <input
                required
                value={form.trackingNumber}
                onChange={(e) => setForm({ ...form, trackingNumber: e.target.value })}
              />
            </Field>
            <button type="submit" className="primary" disabled={ship.isPending}>
              {t('ship')}
            </button>
            <Outcome error={ship.error} success={ship.isSuccess} />
          </form>
        )
      }
    </Disclosure>
  );
}

function CaptureButton({ orderId, payment }: { orderId: string; payment: Payment }) {
  const { t, money } = useI18n();
  const capture = useOrderCommand(orderId, () =>
    must(api.POST('/v1/payments/{id}/capture', { params: { path: { id: payment.id } }, headers: once() })),
  );
  return (
    <div>
      <button type="button" onClick={() => capture.mutate(undefined)} disabled={capture.isPending}>
        {t('capture')} {money(payment.amount, payment.currency)}
      </button>
      <Outcome error={capture.error} success={capture.isSuccess} />
    </div>
  );
}

function RefundForm({ loaded, payments }: { loaded: LoadedOrder; payments: Payment[] }) {
  const { t, money } = useI18n();
  const { order } = loaded;
  const [paymentId, setPaymentId] = useState(payments[0]!.id);
  const [what, setWhat] = useState('all');
  const [reason, setReason] = useState('');
  const payment = payments.find((p) => p.id === paymentId) ?? payments[0]!;
  const left = payment.amount - payment.refundedAmount;
  const refund = useOrderCommand(order.id, () => {
    const line = order.lines.find((l) => l.id === what);
    return must(
      api.POST('/v1/payments/{id}/refunds', {
        params: { path: { id: payment.id } },
        body: {
          amount: line ? Math.min(line.lineTotal, left) : undefined,
          reason: reason.trim() || undefined,
        },
        headers: once(),
      }),
    );
  });
  return (
    <Disclosure label={t('refund')}>
      {() => (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            refund.mutate(undefined);
          }}
        >
          {payments.length > 1 && (
            <Field label={t('payments')}>
              <select value={paymentId} onChange={(e) => setPaymentId(e.target.value)}>
                {payments.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.provider} {money(p.amount, p.currency)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('refundWhat')}>
            <select value={what} onChange={(e) => setWhat(e.target.value)}>
              <option value="all">
                {t('refundWhole')} ({money(left, payment.currency)})
              </option>
              {order.lines.map((l) => (
                <option key={l.id} value={l.id}>
                  {t('refundLine', { n: l.lineNo, sku: l.sku, amount: money(l.lineTotal, order.currency) })}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('reason')}>
            <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" className="primary" disabled={refund.isPending}>
            {t('refund')}
          </button>
          <Outcome error={refund.error} success={refund.isSuccess} />
        </form>
      )}
    </Disclosure>
  );
}

function ConfirmReceipt({ loaded }: { loaded: LoadedOrder }) {
  const { t } = useI18n();
  const { order } = loaded;
  const confirm = useOrderCommand(order.id, () =>
    must(
      api.POST('/v1/orders/{id}/confirm-receipt', {
        params: { path: { id: order.id } },
        body: { version: order.version },
        headers: once(),
      }),
    ),
  );
  return (
    <div>
      <button type="button" onClick={() => confirm.mutate(undefined)} disabled={confirm.isPending}>
        {t('confirmReceipt')}
      </button>
      <Outcome error={confirm.error} success={confirm.isSuccess} />
    </div>
  );
}

function CancelForm({ loaded }: { loaded: LoadedOrder }) {
  const { t } = useI18n();
  const { order } = loaded;
  const [reason, setReason] = useState('');
  const cancel = useOrderCommand(order.id, () =>
    must(
      api.POST('/v1/orders/{id}/cancel', {
        params: { path: { id: order.id } },
        body: { reason: reason.trim() || undefined, version: order.version },
        headers: once(),
      }),
    ),
  );
  return (
    <Disclosure label={t('cancelOrder')}>
      {() => (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            cancel.mutate(undefined);
          }}
        >
          <Field label={t('cancelReason')}>
            <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" className="danger" disabled={cancel.isPending}>
            {t('cancelOrder')}
          </button>
          <Outcome error={cancel.error} success={cancel.isSuccess} />
        </form>
      )}
    </Disclosure>
  );
}

/** A parcel the carrier will not report delivered (or reported wrongly): marked delivered by hand, with why. */
function DeliverForm({ orderId, shipmentId, label }: { orderId: string; shipmentId: string; label: string }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const deliver = useOrderCommand(orderId, () =>
    must(
      api.POST('/v1/shipments/{id}/deliver', {
        params: { path: { id: shipmentId } },
        body: { reason: reason.trim() },
        headers: once(),
      }),
    ),
  );
  return (
    <Disclosure label={`${t('markDelivered')} (${label})`}>
      {() => (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            deliver.mutate(undefined);
          }}
        >
          <Field label={t('reason')}>
            <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button type="submit" className="primary" disabled={deliver.isPending}>
            {t('markDelivered')}
          </button>
          <Outcome error={deliver.error} success={deliver.isSuccess} />
        </form>
      )}
    </Disclosure>
  );
}

/** Money received with another amount than asked: finance accepts it toward the order or refunds it. */
function ResolveHeld({ orderId, payment }: { orderId: string; payment: Payment }) {
  const { t, money } = useI18n();
  const resolve = useOrderCommand(orderId, (action: 'accept' | 'refund') =>
    must(
      api.POST('/v1/payments/{id}/resolve', {
        params: { path: { id: payment.id } },
        body: { action },
        headers: once(),
      }),
    ),
  );
  return (
    <div>
      <p>{t('heldPayment', { amount: money(payment.amount, payment.currency) })}</p>
      <div className="row">
        <button type="button" onClick={() => resolve.mutate('accept')} disabled={resolve.isPending}>
          {t('acceptPayment')}
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => resolve.mutate('refund')}
          disabled={resolve.isPending}
        >
          {t('refund')}
        </button>
      </div>
      <Outcome error={resolve.error} success={resolve.isSuccess} />
    </div>
  );
}
