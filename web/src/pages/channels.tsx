import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { UCI_ONLINE_RETAIL } from '../../../src/modules/channels/imports/uci-online-retail';
import { type Answer, api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import {
  Badge,
  DataTable,
  Field,
  Outcome,
  PagedTable,
  PageHeader,
  Query,
  Section,
  useCursorPages,
} from '../ui/kit';

type Channel = Answer<'/v1/channels/{id}', 'get'>;
const KINDS = ['shopify', 'woocommerce', 'amazon', 'file'] as const;
/** The credentials each kind asks for (the API names any that are missing in its 422). */
const CREDENTIALS: Record<(typeof KINDS)[number], string[]> = {
  shopify: ['accessToken'],
  woocommerce: ['consumerKey', 'consumerSecret'],
  amazon: ['clientId', 'clientSecret', 'refreshToken'],
  file: [],
};

export default function Channels() {
  const { t, value } = useI18n();
  const { can } = useSession();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['channels'],
    queryFn: () => must(api.GET('/v1/channels', { params: { query: { limit: 200 } } })),
  });
  return (
    <>
      <PageHeader title={t('channels')} />
      {can('POST /v1/channels') && <ConnectChannel onCreated={setSelected} />}
      <div className="two-columns">
        <Section title={t('channels')}>
          <Query query={list} empty={(p) => p.data.length === 0}>
            {(page) => (
              <DataTable
                caption={t('channels')}
                rows={page.data}
                rowKey={(c) => c.id}
                selected={selected}
                columns={[
                  {
                    header: t('name'),
                    cell: (c) => (
                      <>
                        <button type="button" className="link" onClick={() => setSelected(c.id)}>
                          {c.name}
                        </button>
                        <span className="muted block">{c.code}</span>
                      </>
                    ),
                  },
                  { header: t('kind'), cell: (c) => value(c.kind) },
                  { header: t('currency'), cell: (c) => c.currency },
                  { header: t('status'), cell: (c) => <Badge value={c.enabled ? 'active' : 'paused'} /> },
                ]}
              />
            )}
          </Query>
        </Section>
        {selected && <ChannelPanel key={selected} id={selected} />}
      </div>
    </>
  );
}

function ConnectChannel({ onCreated }: { onCreated: (id: string) => void }) {
  const { t, value } = useI18n();
  const client = useQueryClient();
  const [form, setForm] = useState({
    kind: 'shopify' as (typeof KINDS)[number],
    code: '',
    name: '',
    currency: 'CNY',
    apiUrl: '',
  });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const needed = CREDENTIALS[form.kind];
  const create = useMutation({
    mutationFn: () =>
      must(
        api.POST('/v1/channels', {
          body: {
            kind: form.kind,
            code: form.code.trim(),
            name: form.name.trim(),
            currency: form.currency.trim().toUpperCase(),
            apiUrl: form.apiUrl.trim() || undefined,
            credentials: needed.length
              ? Object.fromEntries(needed.map((k) => [k, secrets[k] ?? '']))
              : undefined,
          },
          headers: once(),
        }),
      ),
    onSuccess: async (c) => {
      await client.invalidateQueries({ queryKey: ['channels'] });
      onCreated(c.id);
    },
  });
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [name]: e.target.value });
  return (
    <Section title={t('connectChannel')}>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field label={t('kind')}>
          <select value={form.kind} onChange={set('kind')}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {value(k)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('code')}>
          <input required pattern="[a-z0-9_\-]{1,32}" value={form.code} onChange={set('code')} />
        </Field>
        <Field label={t('name')}>
          <input required maxLength={100} value={form.name} onChange={set('name')} />
        </Field>
        <Field label={t('currency')}>
          <input required pattern="[A-Za-z]{3}" value={form.currency} onChange={set('currency')} />
        </Field>
        <Field label={t('apiUrl')} wide>
          <input type="url" value={form.apiUrl} onChange={set('apiUrl')} />
        </Field>
        {needed.map((k) => (
          <Field key={k} label={k}>
            <input
              required
              type="password"
              autoComplete="off"
              value={secrets[k] ?? ''}
              onChange={(e) => setSecrets({ ...secrets, [k]: e.target.value })}
            />
          </Field>
        ))}
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('connectChannel')}
        </button>
        <Outcome error={create.error} success={create.isSuccess} />
        {create.data?.webhookSecret && (
          <p role="status">
            {t('webhookSecretOnce')} <code>{create.data.webhookSecret}</code>
          </p>
        )}
      </form>
    </Section>
  );
}

/** One channel: its settings, its SKU map, and the orders it sent that wait on hold. */
function ChannelPanel({ id }: { id: string }) {
  const { t, date } = useI18n();
  const { can } = useSession();
  const channel = useQuery({
    queryKey: ['channel', id],
    queryFn: () => must(api.GET('/v1/channels/{id}', { params: { path: { id } } })),
    refetchInterval: 10_000,
  });
  return (
    <Query query={channel}>
      {(c) => (
        <Section title={c.name}>
          <dl className="facts">
            <dt>{t('code')}</dt>
            <dd>{c.code}</dd>
            <dt>{t('warehouses')}</dt>
            <dd>{c.warehouses.join(', ') || '—'}</dd>
            <dt>{t('credentials')}</dt>
            <dd>{c.credentialFields.join(', ') || '—'}</dd>
            <dt>{t('lastOrderReceived')}</dt>
            <dd>{date(c.health.lastOrderReceivedAt)}</dd>
            <dt>{t('lastReconciled')}</dt>
            <dd>
              {date(c.health.lastReconciledAt)}
              {c.health.lagSeconds !== null && ` (${t('lagSeconds', { n: c.health.lagSeconds })})`}
            </dd>
            <dt>{t('errorsLastHour')}</dt>
            <dd className={c.health.errorsLastHour > 0 ? 'problem' : undefined}>
              {c.health.errorsLastHour} · {t('throttled', { n: c.health.throttledLastHour })}
              {c.health.lastError && <span className="block">{c.health.lastError}</span>}
            </dd>
            <dt>{t('deliveries')}</dt>
            <dd>
              {t('channelDeliveries', {
                pending: c.health.pendingDeliveries,
                failed: c.health.failedDeliveries,
              })}
            </dd>
            <dt>{t('stockPolicy')}</dt>
            <dd>
              {t('stockPolicyText', {
                safety: c.stockPolicy.safetyStock,
                buffer: `${c.stockPolicy.buffer.value}${c.stockPolicy.buffer.kind === 'percent' ? '%' : ''}`,
              })}
            </dd>
          </dl>
          {c.kind === 'file' && <Imports channel={c} />}
          <HeldOrders channel={c} />
          {can('GET /v1/channels/{id}/stock-push') && <StockPush channel={c} />}
          <SkuMap channel={c} />
        </Section>
      )}
    </Query>
  );
}

/** A column mapping to start from: the UCI Online Retail file's (the demo history), as the server has it. */
const EXAMPLE_MAPPING = JSON.stringify(UCI_ONLINE_RETAIL);

const mediaTypeOf = (name: string) =>
  name.endsWith('.gz') ? 'application/gzip' : name.endsWith('.csv') ? 'text/csv' : 'application/x-ndjson';

/** A file channel's imports: upload a file, watch its progress, see what was rejected and why. */
function Imports({ channel }: { channel: Channel }) {
  const { t, date, number } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [form, setForm] = useState({
    format: 'csv' as 'csv' | 'jsonl',
    mapping: EXAMPLE_MAPPING,
    historical: true,
  });
  const pages = useCursorPages(`imports ${channel.id}`);
  const imports = useQuery({
    queryKey: ['imports', channel.id, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/channels/{id}/imports', {
          params: { path: { id: channel.id }, query: { limit: 10, cursor: pages.cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
    // Poll while an import runs; stop once all shown are done.
    refetchInterval: (q) =>
      q.state.data?.data.some((i) => i.status === 'queued' || i.status === 'running') ? 1000 : false,
  });
  const upload = useMutation({
    mutationFn: (chosen: File) =>
      must(
        api.POST('/v1/channels/{id}/imports', {
          params: {
            path: { id: channel.id },
            query: { mapping: form.mapping, format: form.format, historical: form.historical },
          },
          body: chosen as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { 'content-type': mediaTypeOf(chosen.name), ...once() },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['imports', channel.id] }),
  });
  return (
    <>
      <h3>{t('imports')}</h3>
      {can('POST /v1/channels/{id}/imports') && (
        <form
          className="form-grid"
          aria-label={t('importFile')}
          onSubmit={(e) => {
            e.preventDefault();
            if (file) upload.mutate(file);
          }}
        >
          <Field label={t('file')}>
            <input
              required
              type="file"
              accept=".csv,.jsonl,.gz"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Field>
          <Field label={t('format')}>
            <select
              value={form.format}
              onChange={(e) => setForm({ ...form, format: e.target.value as 'csv' | 'jsonl' })}
            >
              <option value="csv">CSV</option>
              <option value="jsonl">JSON Lines</option>
            </select>
          </Field>
          <Field label={t('columnMapping')} wide>
            <textarea
              required
              rows={3}
              maxLength={8000}
              value={form.mapping}
              onChange={(e) => setForm({ ...form, mapping: e.target.value })}
            />
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={form.historical}
              onChange={(e) => setForm({ ...form, historical: e.target.checked })}
            />
            {t('historicalImport')}
          </label>
          <button type="submit" className="primary" disabled={upload.isPending || !file}>
            {t('importFile')}
          </button>
          <Outcome error={upload.error} success={upload.isSuccess} />
        </form>
      )}
      <PagedTable
        query={imports}
        pages={pages}
        caption={t('imports')}
        rowKey={(i) => i.id}
        columns={[
          { header: t('when'), cell: (i) => date(i.createdAt) },
          {
            header: t('status'),
            cell: (i) => (
              <>
                <Badge value={i.status} />
                {i.error && <span className="block problem">{i.error}</span>}
              </>
            ),
          },
          {
            header: t('progress'),
            cell: (i) => (
              <>
                <progress max={100} value={i.progress.percent} aria-label={t('progress')} />{' '}
                {number(i.progress.percent)}%
                {i.progress.etaSeconds ? ` · ${t('etaSeconds', { n: i.progress.etaSeconds })}` : ''}
              </>
            ),
          },
          {
            header: t('importCounts'),
            cell: (i) =>
              t('importCountsText', {
                placed: i.progress.ordersPlaced,
                there: i.progress.ordersAlreadyThere,
                held: i.progress.ordersHeld,
                rejected: i.progress.rowsRejected,
              }),
          },
        ]}
      />
    </>
  );
}

function HeldOrders({ channel }: { channel: Channel }) {
  const { t, date } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const pages = useCursorPages(channel.id);
  const held = useQuery({
    queryKey: ['channel-orders', channel.id, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/channels/{id}/orders', {
          params: { path: { id: channel.id }, query: { state: 'held', limit: 20, cursor: pages.cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const release = useMutation({
    mutationFn: (channelOrderId: string) =>
      must(
        api.POST('/v1/channels/{id}/orders/{channelOrderId}/release', {
          params: { path: { id: channel.id, channelOrderId } },
          headers: once(),
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: ['channel-orders', channel.id] }),
  });
  return (
    <>
      <h3>{t('heldOrders')}</h3>
      <PagedTable
        query={held}
        pages={pages}
        caption={t('heldOrders')}
        rowKey={(o) => o.id}
        columns={[
          { header: t('externalId'), cell: (o) => o.externalId },
          { header: t('holdReason'), cell: (o) => o.holdReason },
          { header: t('receivedAt'), cell: (o) => date(o.receivedAt) },
          {
            header: t('actions'),
            cell: (o) =>
              can('POST /v1/channels/{id}/orders/{channelOrderId}/release') && (
                <button type="button" disabled={release.isPending} onClick={() => release.mutate(o.id)}>
                  {t('release')}
                </button>
              ),
          },
        ]}
      />
      <Outcome error={release.error} success={release.isSuccess} />
    </>
  );
}

/** What the stock pusher last sent the channel, per SKU, and what still waits (read-only). */
function StockPush({ channel }: { channel: Channel }) {
  const { t, date, number } = useI18n();
  const pages = useCursorPages(channel.id);
  const options = {
    queryKey: ['stock-push', channel.id, pages.cursor],
    queryFn: () =>
      must(
        api.GET('/v1/channels/{id}/stock-push', {
          params: { path: { id: channel.id }, query: { limit: 20, cursor: pages.cursor } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: 10_000,
  };
  const status = useQuery(options);
  // The same cached answer (one request), seen as its page of SKUs.
  const skus = useQuery({ ...options, select: (s) => s.skus });
  return (
    <>
      <h3>{t('stockPush')}</h3>
      <Query query={status}>
        {(s) => (
          <dl className="facts">
            <dt>{t('stockPushDue')}</dt>
            <dd>{number(s.due)}</dd>
            <dt>{t('stockPushNotOnChannel')}</dt>
            <dd>{number(s.notOnChannel)}</dd>
            <dt>{t('lastPushed')}</dt>
            <dd>{date(s.lastPushedAt)}</dd>
            <dt>{t('stockPushTotals')}</dt>
            <dd>
              {t('stockPushTotalsText', {
                pushed: number(s.pushedTotal),
                throttled: number(s.throttledTotal),
                stale: number(s.staleTotal),
                failed: number(s.failedTotal),
              })}
            </dd>
            {s.lastError && (
              <>
                <dt>{t('lastError')}</dt>
                <dd className="problem">
                  {s.lastError} ({date(s.lastErrorAt)})
                </dd>
              </>
            )}
          </dl>
        )}
      </Query>
      <PagedTable
        query={skus}
        pages={pages}
        caption={t('stockPush')}
        rowKey={(r) => r.sku}
        columns={[
          { header: t('sku'), cell: (r) => r.sku },
          {
            header: t('pushedLevel'),
            className: 'num',
            cell: (r) => (r.pushedLevel === null ? '—' : number(r.pushedLevel)),
          },
          { header: t('lastPushed'), cell: (r) => date(r.pushedAt) },
          {
            header: t('status'),
            cell: (r) => <Badge value={r.due ? 'pending' : r.onChannel ? 'pushed' : 'not_on_channel'} />,
          },
        ]}
      />
    </>
  );
}

function SkuMap({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [entry, setEntry] = useState({ channelSku: '', sku: '' });
  const map = useQuery({
    queryKey: ['sku-map', channel.id],
    queryFn: () => must(api.GET('/v1/channels/{id}/sku-map', { params: { path: { id: channel.id } } })),
  });
  const put = useMutation({
    mutationFn: () =>
      must(
        api.PUT('/v1/channels/{id}/sku-map', {
          params: { path: { id: channel.id } },
          body: { entries: [{ channelSku: entry.channelSku.trim(), sku: entry.sku.trim() }] },
          headers: once(),
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['sku-map', channel.id] }),
  });
  return (
    <>
      <h3>{t('skuMap')}</h3>
      {can('PUT /v1/channels/{id}/sku-map') && (
        <form
          className="inline-form"
          aria-label={t('mapSku')}
          onSubmit={(e) => {
            e.preventDefault();
            put.mutate();
          }}
        >
          <Field label={t('channelSku')}>
            <input
              required
              maxLength={128}
              value={entry.channelSku}
              onChange={(e) => setEntry({ ...entry, channelSku: e.target.value })}
            />
          </Field>
          <Field label={t('sku')}>
            <input
              required
              maxLength={64}
              value={entry.sku}
              onChange={(e) => setEntry({ ...entry, sku: e.target.value })}
            />
          </Field>
          <button type="submit" disabled={put.isPending}>
            {t('mapSku')}
          </button>
          <Outcome error={put.error} success={put.isSuccess} />
        </form>
      )}
      <Query query={map} empty={(p) => p.data.length === 0}>
        {(page) => (
          <DataTable
            caption={t('skuMap')}
            rows={page.data}
            rowKey={(m) => m.channelSku}
            columns={[
              { header: t('channelSku'), cell: (m) => m.channelSku },
              { header: t('sku'), cell: (m) => m.sku },
            ]}
          />
        )}
      </Query>
    </>
  );
}
