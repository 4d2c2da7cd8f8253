import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Answer, api, must } from '../api/client';
import { useI18n } from '../i18n/locale';
import { Field, PageHeader, Query, Section, Table } from '../ui/kit';

type Sales = Answer<'/v1/analytics/sales', 'get'>;
type Series = Sales['series'][number];
const RANGES = [7, 30, 90] as const;
const SALES_BY = ['', 'channel', 'region', 'payment_method', 'category'] as const;
const LEAD_BY = ['all', 'warehouse', 'carrier', 'region', 'provider'] as const;

/** [from, to) of the last `days` whole days up to the end of today, in the browser's time zone. */
function range(days: number) {
  const to = new Date();
  to.setHours(24, 0, 0, 0);
  return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
}

export default function Analytics() {
  const { t, value } = useI18n();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const [by, setBy] = useState<(typeof SALES_BY)[number]>('');
  const [leadBy, setLeadBy] = useState<(typeof LEAD_BY)[number]>('all');
  const period = range(days);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const sales = useQuery({
    queryKey: ['analytics', 'sales', days, by, tz],
    queryFn: () =>
      must(
        api.GET('/v1/analytics/sales', {
          params: { query: { ...period, tz, granularity: 'day', by: by || undefined } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const funnel = useQuery({
    queryKey: ['analytics', 'funnel', days],
    queryFn: () => must(api.GET('/v1/analytics/funnel', { params: { query: period } })),
  });
  const leads = useQuery({
    queryKey: ['analytics', 'lead-times', days, leadBy],
    queryFn: () =>
      must(api.GET('/v1/analytics/lead-times', { params: { query: { ...period, by: leadBy } } })),
    placeholderData: keepPreviousData,
  });
  const payments = useQuery({
    queryKey: ['analytics', 'payments', days],
    queryFn: () => must(api.GET('/v1/analytics/payments', { params: { query: period } })),
  });

  return (
    <>
      <PageHeader title={t('analytics')}>
        <Field label={t('period')}>
          <select value={days} onChange={(e) => setDays(Number(e.target.value) as typeof days)}>
            {RANGES.map((d) => (
              <option key={d} value={d}>
                {t('lastDays', { n: d })}
              </option>
            ))}
          </select>
        </Field>
      </PageHeader>
      <Section title={t('sales')}>
        <Field label={t('splitBy')}>
          <select value={by} onChange={(e) => setBy(e.target.value as typeof by)}>
            {SALES_BY.map((d) => (
              <option key={d} value={d}>
                {d ? value(d) : t('all')}
              </option>
            ))}
          </select>
        </Field>
        <Query query={sales} empty={(s) => s.series.length === 0}>
          {(s) => <SalesFigures report={s} />}
        </Query>
      </Section>
      <Section title={t('funnel')}>
        <Query query={funnel}>
          {(f) => (
            <>
              <Table caption={t('funnel')}>
                <thead>
                  <tr>
                    <th scope="col">{t('stage')}</th>
                    <th scope="col" className="num">
                      {t('orders')}
                    </th>
                    <th scope="col" className="num">
                      {t('ofPrevious')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {f.stages.map((s) => (
                    <tr key={s.stage}>
                      <td>{value(s.stage)}</td>
                      <td className="num">{s.orders}</td>
                      <td className="num">{percent(s.ofPrevious)}</td>
                    </tr>
                  ))}
                </tbody>
              </Table>
              <p>
                {t('lostOrders', { unpaid: f.lost.unpaidTimeouts })}
                {f.lost.cancellations.length > 0 &&
                  ` ${t('cancelledFor')} ${f.lost.cancellations.map((c) => `${value(c.reason)} (${c.orders})`).join(' · ')}`}
              </p>
            </>
          )}
        </Query>
      </Section>
      <Section title={t('leadTimes')}>
        <Field label={t('splitBy')}>
          <select value={leadBy} onChange={(e) => setLeadBy(e.target.value as typeof leadBy)}>
            {LEAD_BY.map((d) => (
              <option key={d} value={d}>
                {value(d)}
              </option>
            ))}
          </select>
        </Field>
        <Query query={leads}>
          {(l) => (
            <Table caption={t('leadTimes')}>
              <thead>
                <tr>
                  <th scope="col">{t('stage')}</th>
                  {l.by !== 'all' && <th scope="col">{value(l.by)}</th>}
                  <th scope="col" className="num">
                    {t('orders')}
                  </th>
                  <th scope="col" className="num">
                    p50
                  </th>
                  <th scope="col" className="num">
                    p90
                  </th>
                </tr>
              </thead>
              <tbody>
                {l.stages.flatMap((s) =>
                  (l.by === 'all' ? [{ value: 'all', ...(s.overall ?? NONE) }] : s.values).map((v) => (
                    <tr
                      key={`${s.stage}/${v.value}`}
                      className={s.bottlenecks.includes(v.value) ? 'bottleneck' : undefined}
                    >
                      <td>{value(s.stage)}</td>
                      {l.by !== 'all' && (
                        <td>
                          {v.value}
                          {s.bottlenecks.includes(v.value) && <strong> {t('bottleneck')}</strong>}
                        </td>
                      )}
                      <td className="num">{v.orders}</td>
                      <td className="num">{duration(v.p50Seconds)}</td>
                      <td className="num">{duration(v.p90Seconds)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </Table>
          )}
        </Query>
      </Section>
      <Section title={t('paymentsByProvider')}>
        <Query query={payments} empty={(p) => p.providers.length === 0}>
          {(p) => (
            <Table caption={t('paymentsByProvider')}>
              <thead>
                <tr>
                  <th scope="col">{t('provider')}</th>
                  <th scope="col" className="num">
                    {t('attempts')}
                  </th>
                  <th scope="col" className="num">
                    {t('successRate')}
                  </th>
                  <th scope="col" className="num">
                    {t('timeToPay')} p50
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.providers.map((x) => (
                  <tr key={x.provider}>
                    <td>{x.provider}</td>
                    <td className="num">{x.attempts}</td>
                    <td className="num">{percent(x.successRate)}</td>
                    <td className="num">{x.timeToPay ? duration(x.timeToPay.p50Seconds) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Query>
      </Section>
    </>
  );
}

const NONE = { orders: 0, p50Seconds: Number.NaN, p90Seconds: Number.NaN };
const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
/** Seconds as the largest unit that keeps the number readable: 45 s, 12 min, 3.5 h, 2.1 d. */
function duration(s: number) {
  if (!Number.isFinite(s)) return '—';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** Per currency and split: totals against the previous period, and GMV per day as bars. */
function SalesFigures({ report }: { report: Sales }) {
  const { t, money, number } = useI18n();
  const change = (r: number | null) =>
    r === null ? '' : ` (${r >= 0 ? '+' : ''}${(r * 100).toFixed(1)}% ${t('vsPrevious')})`;
  return (
    <>
      <Table caption={t('sales')}>
        <thead>
          <tr>
            <th scope="col">{t('currency')}</th>
            <th scope="col">{t('split')}</th>
            <th scope="col" className="num">
              {t('orders')}
            </th>
            <th scope="col" className="num">
              GMV
            </th>
            <th scope="col" className="num">
              {t('aov')}
            </th>
            <th scope="col" className="num">
              {t('units')}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.series.map((s) => (
            <tr key={`${s.currency}/${s.key}`}>
              <td>{s.currency}</td>
              <td>{s.other ? t('otherValues') : s.key === 'all' ? t('all') : s.key}</td>
              <td className="num">
                {number(s.total.orders)}
                {change(s.change.orders)}
              </td>
              <td className="num">
                {money(s.total.gmv, s.currency)}
                {change(s.change.gmv)}
              </td>
              <td className="num">{s.total.aov === null ? '—' : money(s.total.aov, s.currency)}</td>
              <td className="num">{number(s.total.units)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      {report.series
        .filter((s) => s.key === 'all')
        .map((s) => (
          <GmvBars key={s.currency} series={s} from={report.from} to={report.to} />
        ))}
    </>
  );
}

const W = 640;
const H = 140;

/** One bar per day of the period, placed by its date: days without orders are gaps, not missing bars. */
function GmvBars({ series, from, to }: { series: Series; from: string; to: string }) {
  const { t, money, locale } = useI18n();
  const top = Math.max(1, ...series.buckets.map((b) => b.gmv));
  const start = Date.parse(from);
  const days = Math.max(1, Math.round((Date.parse(to) - start) / 86_400_000));
  const step = W / days;
  const slot = (iso: string) => Math.floor((Date.parse(iso) - start) / 86_400_000);
  const day = new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' });
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H + 16}`}
        role="img"
        aria-label={t('gmvPerDay', {
          currency: series.currency,
          total: money(series.total.gmv, series.currency),
        })}
      >
        {series.buckets.map((b) => {
          const h = (b.gmv / top) * H;
          return (
            <rect
              key={b.start}
              x={slot(b.start) * step + 1}
              y={H - h}
              width={Math.max(1, step - 2)}
              height={h}
              className="bar"
            >
              <title>{`${day.format(new Date(b.start))}: ${money(b.gmv, series.currency)}`}</title>
            </rect>
          );
        })}
        {[0, Math.floor(days / 2), days - 1].map((i) => (
          <text key={i} x={i * step + step / 2} y={H + 12} textAnchor="middle">
            {day.format(new Date(start + i * 86_400_000))}
          </text>
        ))}
      </svg>
    </figure>
  );
}
