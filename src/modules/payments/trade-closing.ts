import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { addOrderTimeline } from '../orders/index.js';
import type { PaymentProviders } from './payment-provider.js';
import { claimDueClosings, settleClosing } from './payments.repository.js';

/**
 * Closes, at Alipay and WeChat Pay, the trades of intents cancelled unpaid, so a buyer can no longer
 * pay a cancelled order. The cancel only marks the close as due, inside its own transaction; this
 * job sends it after commit (no transaction is open while a provider is called) and tries again,
 * with backoff, until the provider answers. Safe in every process (SKIP LOCKED).
 */
export async function closeDueTrades(db: Db, providers: PaymentProviders, now: Date): Promise<number> {
  const closers = [...providers.values()].filter((p) => p.close).map((p) => p.name);
  const due = await claimDueClosings(db, closers, now, 20);
  for (const payment of due) {
    const provider = providers.get(payment.provider)!;
    const result = await provider.close!(payment);
    await inTransaction(db, async (trx) => {
      const settled = await settleClosing(trx, payment.id, {
        status: result.status,
        note: result.note ?? null,
      });
      if (!settled || result.status === 'pending') return;
      await addOrderTimeline(trx, payment.order_id, {
        kind: result.status === 'closed' ? 'payment.trade_closed' : 'payment.trade_not_closed',
        actor: `provider:${provider.name}`,
        message:
          result.status === 'closed'
            ? `Trade of payment ${payment.id} closed at ${provider.name}${result.note ? ` (${result.note})` : ''}`
            : `${provider.name} did not close the trade of payment ${payment.id}: ${result.note ?? 'refused'}`,
        data: { paymentId: payment.id },
      });
    });
  }
  return due.length;
}
