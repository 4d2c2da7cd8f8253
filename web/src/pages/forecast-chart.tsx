import { useQuery } from '@tanstack/react-query';
import { type Answer, ApiProblem, api, must } from '../api/client';
import { useI18n } from '../i18n/locale';
import { Section } from '../ui/kit';

type Point = Answer<'/v1/forecasts/orders', 'get'>[number];

const W = 640;
const H = 180;
const PAD = { left: 36, right: 8, top: 10, bottom: 24 };
const DAYS = 14;

/** Expected orders per day for the next two weeks, with the 80% and 95% bands, and today's actual. */
export function ForecastChart({ todayActual }: { todayActual: number | undefined }) {
  const { t, number, locale } = useI18n();
  const forecast = useQuery({
    queryKey: ['forecast', 'orders', 'day', DAYS],
    queryFn: () =>
      must(api.GET('/v1/forecasts/orders', { params: { query: { granularity: 'day', horizon: DAYS } } })),
    retry: false,
    staleTime: 10 * 60_000,
  });
  if (forecast.isPending) return null;
  if (forecast.isError)
    return (
      <Section title={t('forecast')}>
        <p className="muted">
          {forecast.error instanceof ApiProblem && forecast.error.status === 422
            ? t('forecastNoHistory')
            : t('error', { detail: forecast.error.message })}
        </p>
      </Section>
    );
  const points = forecast.data;
  const today = points[0];
  const top = Math.max(1, ...points.map((p) => p.upper95), todayActual ?? 0);
  const x = (i: number) => PAD.left + (i * (W - PAD.left - PAD.right)) / Math.max(1, points.length - 1);
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const band = (lo: (p: Point) => number, hi: (p: Point) => number) => {
    const upper = points.map((p, i) => `${i ? 'L' : 'M'}${x(i)},${y(hi(p))}`);
    const lower = points.map((p, i) => `L${x(i)},${y(lo(p))}`).reverse();
    return `${upper.join('')}${lower.join('')}Z`;
  };
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(i)},${y(p.expected)}`).join('');
  const day = new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' });
  const sum = points.reduce((a, p) => a + p.expected, 0);

  return (
    <Section title={t('forecast')}>
      {today && (
        <p>
          {t('forecastToday', {
            actual: todayActual === undefined ? '—' : number(todayActual),
            expected: number(Math.round(today.expected)),
            low: number(Math.round(today.lower80)),
            high: number(Math.round(today.upper80)),
          })}
        </p>
      )}
      <figure className="chart">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={t('forecastSummary', { n: number(Math.round(sum)), days: DAYS })}
        >
          {[0, 0.5, 1].map((f) => (
            <g key={f}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} className="grid" />
              <text x={PAD.left - 4} y={y(top * f) + 4} textAnchor="end">
                {number(Math.round(top * f))}
              </text>
            </g>
          ))}
          <path
            d={band(
              (p) => p.lower95,
              (p) => p.upper95,
            )}
            className="band95"
          />
          <path
            d={band(
              (p) => p.lower80,
              (p) => p.upper80,
            )}
            className="band80"
          />
          <path d={line} className="expected" />
          {todayActual !== undefined && <circle cx={x(0)} cy={y(todayActual)} r={4} className="actual" />}
          {points.map((p, i) =>
            i % 2 === 0 ? (
              <text key={p.start} x={x(i)} y={H - 6} textAnchor="middle">
                {day.format(new Date(p.start))}
              </text>
            ) : null,
          )}
        </svg>
        <figcaption className="muted">{t('forecastLegend')}</figcaption>
      </figure>
    </Section>
  );
}
