import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must } from '../api/client';
import { allOrders, dayFigures, dayStart } from '../api/orders';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { PageHeader, Query, Section, Table } from '../ui/kit';
import { ForecastChart } from './forecast-chart';

/** Sellable at or under this is low stock (or under the level's own safety stock). */
const LOW_STOCK = 5;

export function Dashboard() {
  const { t, money, number, percent } = useI18n();
  const { can } = useSession();
  const figures = useQuery({
    queryKey: ['orders', 'dashboard', dayStart(0).toISOString()],
    queryFn: async () => {
      const [today, yesterday] = await Promise.all([
        allOrders({ from: dayStart(0).toISOString() }),
        allOrders({ from: dayStart(1).toISOString(), to: dayStart(0).toISOString() }),
      ]);
      return {
        today: dayFigures(today),
        yesterday: dayFigures(yesterday),
        review: today.filter((o) => o.reviewReason),
      };
    },
    refetchInterval: 30_000,
  });
  const dead = useQuery({
    queryKey: ['deliveries', 'dead', 'count'],
    queryFn: () => must(api.GET('/v1/deliveries', { params: { query: { status: 'dead', limit: 200 } } })),
    enabled: can('GET /v1/deliveries'),
  });
  // Channels that fail or hold orders; a shop has a handful, so each one's health is read.
  const channels = useQuery({
    queryKey: ['channels', 'health'],
    queryFn: async () => {
      const list = await must(api.GET('/v1/channels', { params: { query: { limit: 50 } } }));
      const all = await Promise.all(
        list.data
          .filter((c) => c.enabled)
          .map((c) => must(api.GET('/v1/channels/{id}', { params: { path: { id: c.id } } }))),
      );
      return all.filter((c) => c.health.errorsLastHour > 0 || c.health.heldOrders > 0);
    },
    enabled: can('GET /v1/channels'),
    refetchInterval: 60_000,
  });
  const low = useQuery({
    queryKey: ['inventory', 'low'],
    queryFn: async () => {
      const page = await must(api.GET('/v1/inventory', { params: { query: { limit: 200 } } }));
      return page.data.filter((l) => l.warehouseActive && l.sellable <= Math.max(LOW_STOCK, l.safetyStock));
    },
    enabled: can('GET /v1/inventory'),
  });

  const change = (now: number, before: number) =>
    before === 0 ? (now === 0 ? percent(0) : '—') : percent((now - before) / before);

  return (
    <>
      <PageHeader title={t('dashboard')} />
      <Query query={figures}>
        {({ today, yesterday, review }) => {
          const currency = [...today.gmv.keys(), ...yesterday.gmv.keys()][0] ?? 'CNY';
          const gmvToday = today.gmv.get(currency) ?? 0;
          const gmvYesterday = yesterday.gmv.get(currency) ?? 0;
          return (
            <>
              <div className="tiles">
                <div className="tile">
                  <h2>{t('todayOrders')}</h2>
                  <p className="figure">{number(today.count)}</p>
                  <p className="muted">
                    {t('vsYesterday', {
                      delta: change(today.count, yesterday.count),
                      value: number(yesterday.count),
                    })}
                  </p>
                </div>
                <div className="tile">
                  <h2>{t('todayGmv')}</h2>
                  <p className="figure">{money(gmvToday, currency)}</p>
                  <p className="muted">
                    {t('vsYesterday', {
                      delta: change(gmvToday, gmvYesterday),
                      value: money(gmvYesterday, currency),
                    })}
                  </p>
                </div>
              </div>
              <Section title={t('byChannel')}>
                {today.channels.size === 0 ? (
                  <p className="muted">{t('none')}</p>
                ) : (
                  <Table caption={t('byChannel')}>
                    <thead>
                      <tr>
                        <th scope="col">{t('channel')}</th>
                        <th scope="col" className="num">
                          {t('orders')}
                        </th>
                        <th scope="col" className="num">
                          {t('todayGmv')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...today.channels].map(([channel, c]) => (
                        <tr key={channel}>
                          <td>{channel}</td>
                          <td className="num">{number(c.orders)}</td>
                          <td className="num">{money(c.gmv, c.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                )}
              </Section>
              {review.length > 0 && (
                <Section title={t('needsReview')}>
                  <ul className="alerts">
                    {review.map((o) => (
                      <li key={o.id}>
                        <Link href={`/orders/${o.id}`}>{o.number}</Link>: {o.reviewReason}
                      </li>
                    ))}
                  </ul>
                </Section>
              )}
            </>
          );
        }}
      </Query>
      {can('GET /v1/forecasts/orders') && <ForecastChart todayActual={figures.data?.today.count} />}
      <Section title={t('alerts')}>
        <ul className="alerts">
          {dead.data && dead.data.data.length > 0 && (
            <li className="alert">
              <Link href="/sync">
                {t('deadLettersAlert', {
                  n: dead.data.nextCursor ? `${number(200)}+` : number(dead.data.data.length),
                })}
              </Link>
            </li>
          )}
          {low.data?.slice(0, 8).map((l) => (
            <li key={`${l.sku}/${l.warehouseId}`} className="alert">
              <Link href={`/inventory?sku=${encodeURIComponent(l.sku)}`}>
                {t('lowStockAlert', { sku: l.sku, warehouse: l.warehouseCode, n: number(l.sellable) })}
              </Link>
            </li>
          ))}
          {channels.data?.map((c) => (
            <li key={c.id} className="alert">
              <Link href="/channels">
                {c.health.errorsLastHour > 0
                  ? t('channelFailingAlert', { channel: c.name, n: number(c.health.errorsLastHour) })
                  : t('channelHeldAlert', { channel: c.name, n: number(c.health.heldOrders) })}
              </Link>
            </li>
          ))}
          {dead.data?.data.length === 0 && low.data?.length === 0 && !channels.data?.length && (
            <li className="muted">{t('noAlerts')}</li>
          )}
        </ul>
      </Section>
    </>
  );
}
