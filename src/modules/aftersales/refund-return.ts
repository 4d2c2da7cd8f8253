import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { orderLineProgress } from '../fulfillment/index.js';
import { lockOrder } from '../orders/index.js';
import { type PaymentProviders, refundOrderAmount, settleDueRefunds } from '../payments/index.js';
import type { Return } from './aftersales.schemas.js';
import { refundOfUnits } from './line-refunds.js';
import { lockReturn, recordReturnStep } from './return-decisions.js';
import { shippingRefund } from './return-rules.js';
import { assertReturnTransition } from './return-state.js';
import { loadReturn } from './return-views.js';
import { requestedUnits, sumShippingRefunded, updateReturn } from './returns.repository.js';

/**
 * Refunds a received return (or an approved refund-only request) through the payment providers:
 * the lines' value plus shipping when the rule gives it back, or a smaller amount when asked. The
 * order is closed when this gives back the last of what was paid.
 */
export async function refundReturn(
  db: Db,
  providers: PaymentProviders,
  id: string,
  input: { amount?: number },
  actor: string,
): Promise<Return> {
  const pending = await inTransaction(db, async (trx) => {
    const locked = await lockReturn(trx, id);
    let ret = locked.ret;
    const to = assertReturnTransition(ret, 'refund');
    // each line's share of what it was charged: after its discount, with the tax it added
    const { amount: goods } = await refundOfUnits(
      trx,
      ret.order_id,
      locked.lines.map((l) => ({ orderLineId: l.order_line_id, quantity: l.quantity })),
    );
    const progress = await orderLineProgress(trx, ret.order_id);
    const asked = new Map<string, number>();
    for (const r of await requestedUnits(trx, ret.order_id)) {
      if (r.stage === 'after_delivery') asked.set(r.order_line_id, r.quantity);
    }
    const beforeShipment = ret.stage === 'before_shipment';
    const shipping = shippingRefund({
      reason: ret.reason,
      beforeShipment,
      coversEverything: beforeShipment
        ? progress.every((l) => l.owed === 0)
        : progress.every((l) => l.delivered >= l.owed && (asked.get(l.id) ?? 0) >= l.owed),
      nothingShipped: progress.every((l) => l.shipped === 0),
      orderShipping: locked.order.shipping_total,
      alreadyRefunded: await sumShippingRefunded(trx, ret.order_id),
    });
    const most = goods + shipping;
    const amount = input.amount ?? most;
    if (amount > most) {
      throw new AppError(
        'unprocessable',
        `At most ${most} can be refunded for this return (${goods} goods, ${shipping} shipping)`,
        {
          errors: [{ field: 'body.amount', message: `must be at most ${most}` }],
        },
      );
    }
    const refunds = await refundOrderAmount(trx, ret.order_id, amount, `return ${ret.id}`, actor);
    ret = await updateReturn(trx, id, {
      status: to,
      refund_amount: amount,
      shipping_refund: amount === most ? shipping : 0,
    });
    const order = await lockOrder(trx, ret.order_id);
    await recordReturnStep(trx, order, ret, locked.lines, {
      action: 'refund',
      actor,
      message: `Refunded ${amount} ${order.currency} for the return${shipping && amount === most ? `, shipping ${shipping} included` : ''}`,
    });
    return refunds.filter((r) => r.status === 'pending').map((r) => r.id);
  });
  if (pending.length) await settleDueRefunds(db, providers, new Date(), pending);
  return loadReturn(db, id);
}
