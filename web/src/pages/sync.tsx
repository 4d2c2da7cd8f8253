import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { type Answer, api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import {
  Badge,
  Disclosure,
  Field,
  Outcome,
  PagedTable,
  PageHeader,
  Query,
  Section,
  StatusSelect,
  Table,
  useCursorPages,
} from '../ui/kit';

type Subscription = Answer<'/v1/subscriptions/{id}', 'get'>;
const DELIVERY_STATUSES = ['dead', 'pending', 'delivered'] as const;

export default function Sync() {
  const { t } = useI18n();
  const { can } = useSession();
  const subscriptions = useQuery({
    queryKey: ['subscriptions'],
    queryFn: () => must(api.GET('/v1/subscriptions', { params: { query: { limit: 200 } } })),
  });
  return (
    <>
      <PageHeader title={t('sync')} />
      <Section title={t('subscriptions')}>
        <Query query={subscriptions} empty={(p) => p.data.length === 0}>
          {(page) => (
            <Table caption={t('subscriptions')}>
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('transport')}</th>
                  <th scope="col">{t('target')}</th>
                  <th scope="col">{t('events')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('actions')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((s) => (
                  <SubscriptionRow key={s.id} subscription={s} />
                ))}
              </tbody>
            </Table>
          )}
        </Query>
      </Section>
      {can('GET /v1/deliveries') && <Deliveries />}
    </>
  );
}

function SubscriptionRow({ subscription: s }: { subscription: Subscription }) {
  const { t } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [from, setFrom] = useState('');
  const done = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['subscriptions'] }),
      client.invalidateQueries({ queryKey: ['deliveries'] }),
    ]);
  const toggle = useMutation({
    mutationFn: () =>
      s.status === 'active'
        ? must(api.POST('/v1/subscriptions/{id}/pause', { params: { path: { id: s.id } }, headers: once() }))
        : must(
            api.POST('/v1/subscriptions/{id}/resume', { params: { path: { id: s.id } }, headers: once() }),
          ),
    onSuccess: done,
  });
  const replay = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/subscriptions/{id}/replay', {
          params: { path: { id: s.id } },
          body: { from: from ? new Date(from).toISOString() : 'beginning' },
          headers: once(),
        }),
      ),
    onSuccess: done,
  });
  return (
    <tr>
      <td>{s.name}</td>
      <td>{s.transport}</td>
      <td className="wrap">{s.url ?? '—'}</td>
      <td>{s.eventTypes.join(', ')}</td>
      <td>
        <Badge value={s.status} />
        {s.disabledReason && <div className="muted">{s.disabledReason}</div>}
      </td>
      <td className="row">
        {can(`POST /v1/subscriptions/{id}/${s.status === 'active' ? 'pause' : 'resume'}`) && (
          <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
            {s.status === 'active' ? t('pause') : t('resume')}{' '}
            <span className="visually-hidden">{s.name}</span>
          </button>
        )}
        {can('POST /v1/subscriptions/{id}/replay') && (
          <Disclosure label={`${t('replay')}`}>
            {() => (
              <form
                className="form-grid"
                onSubmit={(e) => {
                  e.preventDefault();
                  replay.mutate();
                }}
              >
                <Field label={t('replayFrom')}>
                  <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
                </Field>
                <button type="submit">{t('replay')}</button>
                <Outcome error={replay.error} success={replay.isSuccess} />
              </form>
            )}
          </Disclosure>
        )}
        <Outcome error={toggle.error} success={false} />
      </td>
    </tr>
  );
}

function Deliveries() {
  const { t, date, number } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [status, setStatus] = useState<(typeof DELIVERY_STATUSES)[number]>('dead');
  const pages = useCursorPages(status);
  const list = useQuery({
    queryKey: ['deliveries', status, pages.cursor],
    queryFn: () =>
      must(api.GET('/v1/deliveries', { params: { query: { status, limit: 50, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const retry = useMutation({
    mutationFn: (id: string) =>
      must(api.POST('/v1/deliveries/{id}/retry', { params: { path: { id } }, headers: once() })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['deliveries'] }),
  });
  return (
    <Section title={status === 'dead' ? t('deadLetters') : t('deliveries')}>
      <div className="filters">
        <StatusSelect
          statuses={DELIVERY_STATUSES}
          value={status}
          onChange={(s) => s && setStatus(s)}
          all={false}
        />
      </div>
      <Outcome error={retry.error} success={retry.isSuccess} />
      <PagedTable
        query={list}
        pages={pages}
        caption={t('deliveries')}
        rowKey={(d) => d.id}
        columns={[
          { header: t('event'), cell: (d) => `${d.eventType} #${d.sequence}` },
          {
            header: t('orders'),
            cell: (d) => <Link href={`/orders/${d.subject}`}>{d.subject.slice(-8)}</Link>,
          },
          { header: t('status'), cell: (d) => <Badge value={d.status} /> },
          { header: t('attempts'), className: 'num', cell: (d) => number(d.attempts) },
          {
            header: t('lastError'),
            className: 'wrap',
            cell: (d) => `${d.lastResponseStatus ? `${d.lastResponseStatus} ` : ''}${d.lastError ?? ''}`,
          },
          { header: t('nextAttempt'), cell: (d) => date(d.nextAttemptAt) },
          {
            header: t('actions'),
            cell: (d) =>
              d.status !== 'delivered' &&
              can('POST /v1/deliveries/{id}/retry') && (
                <button type="button" onClick={() => retry.mutate(d.id)} disabled={retry.isPending}>
                  {t('retry')}{' '}
                  <span className="visually-hidden">
                    {d.eventType} #{d.sequence}
                  </span>
                </button>
              ),
          },
        ]}
      />
    </Section>
  );
}
