import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Badge, DataTable, Field, Outcome, PageHeader, Query, Section } from '../ui/kit';

/** China's cross-border retail import limits, as a rule to start from (money in fen). */
const EXAMPLE_RULE = JSON.stringify(
  {
    name: 'China cross-border retail imports',
    scope: { country: 'CN', channels: ['cross-border'] },
    conditions: {
      requiredFields: ['buyerIdentity'],
      currency: 'CNY',
      orderValueLimit: 500000,
      yearlyValueLimit: 2600000,
    },
  },
  null,
  2,
);

/** A rule's conditions in a line: what it requires and limits. */
function conditionsText(c: Record<string, unknown>): string {
  return Object.entries(c)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ');
}

/** Market rules: the checks each order must pass for its destination, and what they refused. */
export default function MarketRules() {
  const { t, date } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [draft, setDraft] = useState(EXAMPLE_RULE);
  const rules = useQuery({
    queryKey: ['market-rules'],
    queryFn: () => must(api.GET('/v1/compliance/rules')),
  });
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const report = useQuery({
    queryKey: ['market-rules', 'report', from.slice(0, 10)],
    queryFn: () =>
      must(
        api.GET('/v1/compliance/rules/report', { params: { query: { from, to: new Date().toISOString() } } }),
      ),
  });
  const create = useMutation({
    mutationFn: async () =>
      must(api.POST('/v1/compliance/rules', { body: JSON.parse(draft), headers: once() })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['market-rules'] }),
  });
  return (
    <>
      <PageHeader title={t('marketRules')} />
      <Section title={t('marketRules')}>
        <Query query={rules} empty={(list) => list.length === 0}>
          {(list) => (
            <DataTable
              caption={t('marketRules')}
              rows={list}
              rowKey={(r) => r.id}
              columns={[
                { header: t('name'), cell: (r) => r.name },
                {
                  header: t('ruleScope'),
                  cell: (r) => (
                    <>
                      {[r.scope.country, r.scope.province].filter(Boolean).join(' / ')}
                      {r.scope.channels && <span className="muted block">{r.scope.channels.join(', ')}</span>}
                    </>
                  ),
                },
                { header: t('ruleConditions'), cell: (r) => conditionsText(r.conditions) },
                { header: t('status'), cell: (r) => <Badge value={r.active ? 'active' : 'paused'} /> },
                { header: t('when'), cell: (r) => date(r.updatedAt) },
              ]}
            />
          )}
        </Query>
      </Section>
      <Section title={t('ruleOutcomes')}>
        <Query query={report} empty={(r) => r.rules.length === 0}>
          {(r) => (
            <DataTable
              caption={t('ruleOutcomes')}
              rows={r.rules}
              rowKey={(row) => row.ruleId}
              columns={[
                { header: t('name'), cell: (row) => row.name ?? '—' },
                { header: t('accepted'), className: 'num', cell: (row) => row.accepted },
                { header: t('refused'), className: 'num', cell: (row) => row.refused },
                {
                  header: t('reason'),
                  cell: (row) =>
                    Object.entries(row.refusedBy)
                      .map(([reason, n]) => `${reason}: ${n}`)
                      .join(' · '),
                },
              ]}
            />
          )}
        </Query>
      </Section>
      {can('POST /v1/compliance/rules') && (
        <Section title={t('addRule')}>
          <form
            className="form-grid"
            aria-label={t('addRule')}
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Field label={t('ruleJson')} wide>
              <textarea required rows={12} value={draft} onChange={(e) => setDraft(e.target.value)} />
            </Field>
            <button type="submit" className="primary" disabled={create.isPending}>
              {t('addRule')}
            </button>
            <Outcome error={create.error} success={create.isSuccess} />
          </form>
        </Section>
      )}
    </>
  );
}
