import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, once } from '../api/client';
import { useI18n } from '../i18n/locale';
import { useSession } from '../session/session';
import { Field, Outcome } from '../ui/kit';

/** A support note on a customer or an order: it lands in the timeline (and as an event). */
export function AddNote({ on }: { on: { customer: string } | { order: string } }) {
  const { t } = useI18n();
  const { can } = useSession();
  const client = useQueryClient();
  const [body, setBody] = useState('');
  const add = useMutation({
    mutationFn: () => {
      const note = { body: body.trim() };
      return must(
        'customer' in on
          ? api.POST('/v1/customers/{id}/notes', {
              params: { path: { id: on.customer } },
              body: note,
              headers: once(),
            })
          : api.POST('/v1/orders/{id}/notes', {
              params: { path: { id: on.order } },
              body: note,
              headers: once(),
            }),
      );
    },
    onSuccess: () => {
      setBody('');
      return client.invalidateQueries({
        queryKey: 'customer' in on ? ['customer', on.customer] : ['order', on.order],
      });
    },
  });
  if (!can('customer' in on ? 'POST /v1/customers/{id}/notes' : 'POST /v1/orders/{id}/notes')) return null;
  return (
    <form
      className="form-grid"
      aria-label={t('addNote')}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Field label={t('note')} wide>
        <textarea required rows={3} maxLength={4000} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <button type="submit" disabled={add.isPending}>
        {t('addNote')}
      </button>
      <Outcome error={add.error} success={add.isSuccess} />
    </form>
  );
}
