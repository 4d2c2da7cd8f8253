import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, must, type QueryOf } from '../api/client';
import { useI18n } from '../i18n/locale';
import { Field, PagedTable, PageHeader, Query, Section, useCursorPages } from '../ui/kit';
import { FiltersForm } from '../ui/search';

type Filters = Omit<QueryOf<'/v1/audit', 'get'>, 'limit' | 'cursor'>;

/** A value of before/after as one line: what changed is usually a few fields. */
const brief = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));

export default function Audit() {
  const { t, date } = useI18n();
  const [form, setForm] = useState({ action: '', resource: '', resourceId: '', role: '' });
  const [filters, setFilters] = useState<Filters>({});
  const pages = useCursorPages(filters);
  const list = useQuery({
    queryKey: ['audit', filters, pages.cursor],
    queryFn: () =>
      must(api.GET('/v1/audit', { params: { query: { ...filters, limit: 50, cursor: pages.cursor } } })),
    placeholderData: keepPreviousData,
  });
  const chain = useQuery({
    queryKey: ['audit', 'verify'],
    queryFn: () => must(api.GET('/v1/audit/verify')),
    staleTime: 60_000,
  });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const pick = (v: string) => v.trim() || undefined;
    setFilters({
      action: pick(form.action),
      resource: pick(form.resource),
      resourceId: pick(form.resourceId),
      role: pick(form.role),
    });
  };
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [name]: e.target.value });

  return (
    <>
      <PageHeader title={t('audit')} />
      <Section title={t('auditChain')}>
        <Query query={chain}>
          {(c) => (
            <p role="status" className={c.intact ? 'ok' : 'problem'}>
              {c.intact
                ? t('auditIntact', { sealed: c.sealed, unsealed: c.unsealed })
                : t('auditBroken', { seq: c.broken?.seq ?? '?', reason: c.broken?.reason ?? '' })}
            </p>
          )}
        </Query>
      </Section>
      <FiltersForm onSubmit={apply}>
        <Field label={t('action')}>
          <input value={form.action} maxLength={200} onChange={set('action')} />
        </Field>
        <Field label={t('resource')}>
          <input value={form.resource} maxLength={64} onChange={set('resource')} />
        </Field>
        <Field label={t('resourceId')}>
          <input value={form.resourceId} maxLength={128} onChange={set('resourceId')} />
        </Field>
        <Field label={t('role')}>
          <input value={form.role} maxLength={32} onChange={set('role')} />
        </Field>
      </FiltersForm>
      <PagedTable
        query={list}
        pages={pages}
        caption={t('audit')}
        rowKey={(e) => e.id}
        columns={[
          { header: t('when'), cell: (e) => date(e.recordedAt) },
          {
            header: t('actor'),
            cell: (e) => (
              <>
                {e.actor.name ?? e.actor.keyId ?? '—'}
                <br />
                <span className="muted">{e.actor.role}</span>
              </>
            ),
          },
          { header: t('action'), cell: (e) => e.action },
          {
            header: t('resource'),
            cell: (e) => (
              <>
                {e.resource}
                {e.resourceId && <span className="muted block">{e.resourceId}</span>}
              </>
            ),
          },
          { header: t('outcome'), cell: (e) => e.outcome ?? '' },
          {
            header: t('change'),
            className: 'code',
            cell: (e) => (e.kind === 'change' ? `${brief(e.before)} → ${brief(e.after)}` : brief(e.detail)),
          },
        ]}
      />
    </>
  );
}
