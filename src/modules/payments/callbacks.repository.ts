import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { CallbackAnswer } from './payment-provider.js';
import type { PaymentIntentStatus } from './payment-state.js';
import { type CallbackOutcome, type PaymentRow, paymentChangeWrites } from './payments.repository.js';
import type { PaymentCallbacksTable } from './payments.tables.js';

export type CallbackRow = Selectable<PaymentCallbacksTable>;

/** What a claim records of a message before (or as) it is applied. */
type CallbackClaim = { provider: string; message_id: string; kind: string; payload: unknown };

/**
 * The claim's insert, for claimCallback and the statements that claim beside other work: the row
 * `processing`, or, given `outcome`, with its outcome and answer already in it.
 */
const claimOf = (row: CallbackClaim, outcome?: CallbackOutcome) => sql`
  insert into payment_callbacks (id, provider, message_id, kind, outcome, payment_id, order_id,
    response_status, response_type, response_body, payload)
  values (${outcome?.id ?? newId()}, ${row.provider}, ${row.message_id}, ${row.kind},
    ${outcome?.outcome ?? 'processing'}, ${outcome?.paymentId ?? null}, ${outcome?.orderId ?? null},
    ${outcome?.answer.status ?? 0}, ${outcome?.answer.type ?? ''}, ${outcome?.answer.body ?? ''},
    ${JSON.stringify(row.payload ?? null)}::jsonb)
  on conflict (provider, message_id) do nothing
  returning id`;

/**
 * Takes the (provider, message id) for this transaction, or returns undefined when it is taken. A
 * concurrent copy of the same message waits on the unique index until the first one commits (then
 * finds it taken) or rolls back (then takes it itself).
 *
 *   insert into payment_callbacks (…) values (…) on conflict (provider, message_id) do nothing returning id
 */
export async function claimCallback(trx: Trx, row: CallbackClaim): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`${claimOf(row)}`.execute(trx);
  return rows[0]?.id;
}

/**
 * claimCallback and the lock of the payment it names, in the same statement (a payment notification's
 * hot path; the caller holds the order's lock, taken first as everywhere): the claim's id, or
 * undefined when the message was taken, and the payment.
 */
export async function claimCallbackLockingPayment(
  trx: Trx,
  row: CallbackClaim,
  paymentId: string,
): Promise<{ claimed: string | undefined; payment: PaymentRow | undefined }> {
  const { rows } = await sql<PaymentRow & { claimed: string | null }>`
    with claim as (${claimOf(row)})
    select (select id from claim) as claimed, p.* from payments p where p.id = ${paymentId} for update of p
  `.execute(trx);
  if (!rows[0]) return { claimed: undefined, payment: undefined };
  const { claimed, ...payment } = rows[0];
  return { claimed: claimed ?? undefined, payment };
}

export async function findCallback(
  trx: Conn,
  provider: string,
  messageId: string,
): Promise<CallbackRow | undefined> {
  return trx
    .selectFrom('payment_callbacks')
    .selectAll()
    .where('provider', '=', provider)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
}

export async function saveCallbackOutcome(
  trx: Trx,
  id: string,
  outcome: { outcome: string; paymentId?: string; orderId?: string; answer: CallbackAnswer },
): Promise<void> {
  await trx
    .updateTable('payment_callbacks')
    .set({
      outcome: outcome.outcome,
      payment_id: outcome.paymentId ?? null,
      order_id: outcome.orderId ?? null,
      response_status: outcome.answer.status,
      response_type: outcome.answer.type,
      response_body: outcome.answer.body,
    })
    .where('id', '=', id)
    .execute();
}

/** The refusal of a notice's statement (noticeAppliedWrites) whose message was already applied. */
export const CALLBACK_SEEN = 'payment_callback_seen';

/**
 * A notice applied without a transaction, as CTEs and a check for the order's statement (its
 * `alongside`, made after the order's compare-and-set): the message claimed with its outcome already
 * in it, and the payment's change if the payment is still in the status read. The check refuses
 * (CALLBACK_SEEN) when the message was taken, by a copy that committed first or one that waited on
 * this; and fails as a serialization failure when the payment moved: nothing of the statement stays.
 *
 *   callback_claimed as (insert into payment_callbacks (…, outcome, response_…) values (…)
 *                        on conflict (provider, message_id) do nothing returning id),
 *   payment_changed as (update payments set … where id = $payment and status = $from returning *)
 *   check: case when not exists (select 1 from callback_claimed) then ordersync_refuse_unless(false, …)
 *          else ordersync_assert(exists (select 1 from payment_changed), …) end
 */
export function noticeAppliedWrites(
  row: CallbackClaim,
  outcome: CallbackOutcome,
  payment: {
    id: string;
    fromStatus: PaymentIntentStatus;
    changes: Parameters<typeof paymentChangeWrites>[1];
  },
): { ctes: RawBuilder<unknown>; check: RawBuilder<boolean> } {
  const claimed = sql`callback_claimed as (${claimOf(row, outcome)})`;
  return {
    ctes: sql`${claimed}, ${paymentChangeWrites(payment.id, payment.changes, undefined, payment.fromStatus)}`,
    check: sql<boolean>`case when not exists (select 1 from callback_claimed)
      then ordersync_refuse_unless(false, ${CALLBACK_SEEN})
      else ordersync_assert(exists (select 1 from payment_changed), 'the payment changed since it was read') end`,
  };
}
