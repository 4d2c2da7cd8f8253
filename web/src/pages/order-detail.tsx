import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { loadOrder } from '../api/order-detail';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, PageHeader, Query, Section, Table } from '../ui/kit';
import { OrderNotifications } from './notifications';
import { OrderActions } from './order-actions';
import { OrderClaims } from './order-claims';
import { OrderEdits } from './order-edits';
import { AddNote } from './support-note';

export default function OrderDetail({ id }: { id: string }) {
  const { t, money, date, number } = useI18n();
  const { can } = useSession();
  const query = useQuery({ queryKey: ['order', id], queryFn: () => loadOrder(id) });
  return (
    <Query query={query}>
      {(loaded) => {
        const { order, payments, shipments, returns } = loaded;
        const m = (minor: number) => money(minor, order.currency);
        return (
          <>
            <p>
              <Link href="/orders">← {t('backToOrders')}</Link>
            </p>
            <PageHeader title={t('orderTitle', { number: order.number })}>
              <Badge value={order.status} />
              <Badge value={order.paymentStatus} />
              <Badge value={order.fulfillmentStatus} />
            </PageHeader>
            <div className="two-columns">
              <Section title={t('customer')}>
                <dl className="facts">
                  <dt>{t('customer')}</dt>
                  <dd>{order.customer?.name ?? '—'}</dd>
                  <dt>E-mail</dt>
                  <dd>{order.customer?.email ?? '—'}</dd>
                  <dt>{t('channel')}</dt>
                  <dd>{order.channel}</dd>
                  <dt>{t('placedAt')}</dt>
                  <dd>{date(order.placedAt)}</dd>
                  {order.customer?.phone && (
                    <>
                      <dt>☎</dt>
                      <dd>{order.customer.phone}</dd>
                    </>
                  )}
                  {order.note && (
                    <>
                      <dt>{t('note')}</dt>
                      <dd>{order.note}</dd>
                    </>
                  )}
                </dl>
              </Section>
              <Section title={t('actions')}>
                <OrderActions loaded={loaded} />
              </Section>
            </div>
            <Section title={t('lines')}>
              <Table caption={t('lines')}>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('sku')}</th>
                    <th scope="col">{t('title')}</th>
                    <th scope="col" className="num">
                      {t('unitPrice')}
                    </th>
                    <th scope="col" className="num">
                      {t('quantity')}
                    </th>
                    <th scope="col" className="num">
                      {t('lineTotal')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {order.lines.map((l) => (
                    <tr key={l.id}>
                      <td>{l.lineNo}</td>
                      <td>{l.sku}</td>
                      <td>{l.title}</td>
                      <td className="num">{m(l.unitPrice)}</td>
                      <td className="num">{number(l.quantity)}</td>
                      <td className="num">{m(l.lineTotal)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <dl className="facts totals">
                <dt>{t('subtotal')}</dt>
                <dd>{m(order.totals.subtotal)}</dd>
                <dt>{t('shipping')}</dt>
                <dd>{m(order.totals.shipping)}</dd>
                <dt>{t('discount')}</dt>
                <dd>{m(order.totals.discount)}</dd>
                <dt>{t('tax')}</dt>
                <dd>{m(order.totals.tax)}</dd>
                <dt>{t('grandTotal')}</dt>
                <dd>
                  <strong>{m(order.totals.grandTotal)}</strong>
                </dd>
                <dt>{t('paid')}</dt>
                <dd>{m(order.paidTotal)}</dd>
                <dt>{t('refunded')}</dt>
                <dd>{m(order.refundedTotal)}</dd>
              </dl>
            </Section>
            <Section title={t('payments')}>
              {payments.length === 0 ? (
                <p className="muted">{t('none')}</p>
              ) : (
                <Table caption={t('payments')}>
                  <thead>
                    <tr>
                      <th scope="col">{t('provider')}</th>
                      <th scope="col">{t('status')}</th>
                      <th scope="col" className="num">
                        {t('amount')}
                      </th>
                      <th scope="col" className="num">
                        {t('refunded')}
                      </th>
                      <th scope="col">{t('placedAt')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {payments.map((p) => (
                      <tr key={p.id}>
                        <td>{p.provider}</td>
                        <td>
                          <Badge value={p.status} />
                        </td>
                        <td className="num">{money(p.amount, p.currency)}</td>
                        <td className="num">{money(p.refundedAmount, p.currency)}</td>
                        <td>{date(p.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </Section>
            <Section title={t('shipments')}>
              {shipments.length === 0 ? (
                <p className="muted">{t('none')}</p>
              ) : (
                shipments.map((s) => (
                  <article key={s.id} className="shipment">
                    <h3>
                      {s.warehouse} → {s.shipTo} <Badge value={s.status} />
                    </h3>
                    <p>
                      {t('carrier')}: {s.carrier ?? '—'} · {t('trackingNumber')}: {s.trackingNumber ?? '—'} ·{' '}
                      {s.lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}
                    </p>
                    {s.tracking.length > 0 && (
                      <ol className="timeline" aria-label={t('tracking')}>
                        {s.tracking.map((e) => (
                          <li key={`${e.time}${e.description}`}>
                            <time dateTime={e.time}>{date(e.time)}</time> {e.description}
                            {e.location ? ` (${e.location})` : ''}
                          </li>
                        ))}
                      </ol>
                    )}
                  </article>
                ))
              )}
            </Section>
            {can('GET /v1/orders/{id}/edits') && <OrderEdits loaded={loaded} />}
            {can('GET /v1/orders/{id}/claims') && <OrderClaims loaded={loaded} />}
            {returns.length > 0 && (
              <Section title={t('returns')}>
                <ul>
                  {returns.map((r) => (
                    <li key={r.id}>
                      <Badge value={r.type} /> <Badge value={r.status} /> {t('reason')}:{' '}
                      <Badge value={r.reason} />
                      {r.note ? ` — ${r.note}` : ''}
                    </li>
                  ))}
                </ul>
              </Section>
            )}
            <Section title={t('reservations')}>
              <ul className="inline-list">
                {order.reservations.map((r) => (
                  <li key={r.id}>
                    {r.sku} × {r.quantity} @ {r.warehouseCode} <Badge value={r.status} />
                  </li>
                ))}
              </ul>
            </Section>
            {can('GET /v1/notifications') && <OrderNotifications orderId={order.id} />}
            <Section title={t('timeline')}>
              <ol className="timeline">
                {order.timeline.map((e) => (
                  <li key={e.id}>
                    <time dateTime={e.at}>{date(e.at)}</time> <strong>{e.kind}</strong> {e.message}
                    {e.actor ? <span className="muted"> — {e.actor}</span> : null}
                  </li>
                ))}
              </ol>
              <AddNote on={{ order: order.id }} />
            </Section>
          </>
        );
      }}
    </Query>
  );
}
