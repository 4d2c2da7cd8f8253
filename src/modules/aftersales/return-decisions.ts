import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { advanceOrder } from '../fulfillment/index.js';
import { findWarehouse, restockReturned } from '../inventory/index.js';
import {
  addOrderTimeline,
  cancelOrderLines,
  lockOrder,
  type OrderHooks,
  type OrderRow,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import type { ReceiveBody, Return } from './aftersales.schemas.js';
import { sendReplacement } from './replacements.js';
import { assertReturnTransition, type ReturnAction } from './return-state.js';
import { loadReturn, returnSnapshot } from './return-views.js';
import {
  findReturnById,
  findReturnLines,
  lockReturnById,
  type ReturnLineRow,
  type ReturnRow,
  updateReturn,
} from './returns.repository.js';

/** Locks the order, then the return (the order first, like every command on it). */
export async function lockReturn(trx: Trx, id: string) {
  const found = await findReturnById(trx, id);
  if (!found) throw notFound('Return', id);
  const order = await lockOrder(trx, found.order_id);
  const ret = (await lockReturnById(trx, id))!;
  return { order, ret, lines: await findReturnLines(trx, [id]) };
}

export async function recordReturnStep(
  trx: Trx,
  order: OrderRow,
  ret: ReturnRow,
  lines: ReturnLineRow[],
  step: { action: ReturnAction; actor: string; message: string; data?: Record<string, unknown> },
) {
  await addOrderTimeline(trx, order.id, {
    kind: `return.${ret.status}`,
    actor: step.actor,
    message: step.message,
    data: { returnId: ret.id, ...step.data },
  });
  const base = { order: toOrderSnapshot(order), return: returnSnapshot(ret, lines) };
  const event = (() => {
    switch (ret.status) {
      case 'approved':
        return { type: 'return.approved' as const, data: base };
      case 'rejected':
        return { type: 'return.rejected' as const, data: { ...base, note: ret.decision_note ?? '' } };
      case 'received':
        return { type: 'return.received' as const, data: base };
      case 'exchanged':
        return {
          type: 'return.exchanged' as const,
          data: { ...base, shipmentIds: (step.data?.shipmentIds as string[]) ?? [] },
        };
      default:
        return { type: 'return.refunded' as const, data: { ...base, amount: ret.refund_amount ?? 0 } };
    }
  })();
  await enqueue(trx, 'aftersales', order.id, [event]);
}

/** Approve: a refund-only request before shipment cancels those units now, releasing their stock. */
export function approveReturn(
  db: Db,
  hooks: OrderHooks,
  id: string,
  note: string | undefined,
  actor: string,
): Promise<Return> {
  return inTransaction(db, async (trx) => {
    let { order, ret, lines } = await lockReturn(trx, id);
    const to = assertReturnTransition(ret, 'approve');
    if (ret.stage === 'before_shipment') {
      order = await cancelOrderLines(
        trx,
        order,
        lines.map((l) => ({ lineId: l.order_line_id, quantity: l.quantity })),
        `refund-only request ${ret.id}`,
        actor,
      );
      // what is left may now all have shipped, or all arrived
      order = await advanceOrder(trx, order, hooks, { shipmentId: ret.id, actor });
    }
    ret = await updateReturn(trx, id, { status: to, decision_note: note ?? null });
    await recordReturnStep(trx, order, ret, lines, {
      action: 'approve',
      actor,
      message: `Return approved${note ? `: ${note}` : ''}`,
    });
    return loadReturn(trx, id);
  });
}

export function rejectReturn(db: Db, id: string, note: string, actor: string): Promise<Return> {
  return inTransaction(db, async (trx) => {
    let { order, ret, lines } = await lockReturn(trx, id);
    ret = await updateReturn(trx, id, { status: assertReturnTransition(ret, 'reject'), decision_note: note });
    await recordReturnStep(trx, order, ret, lines, {
      action: 'reject',
      actor,
      message: `Return rejected: ${note}`,
    });
    return loadReturn(trx, id);
  });
}

/**
 * The goods are back: sellable ones are restocked in the chosen warehouse. An exchange then
 * reserves the SKUs wanted instead and sends them as replacement shipments.
 */
export function receiveReturn(db: Db, id: string, input: ReceiveBody, actor: string): Promise<Return> {
  return inTransaction(db, async (trx) => {
    let { order, ret, lines } = await lockReturn(trx, id);
    const to = assertReturnTransition(ret, 'receive');
    const sellable = input.sellable ?? true;
    let restockedAt: string | undefined;
    if (sellable) {
      if (!input.warehouse) {
        throw new AppError('unprocessable', 'Say which warehouse restocks sellable goods', {
          errors: [{ field: 'body.warehouse', message: 'is required when the goods are sellable' }],
        });
      }
      for (const l of lines) {
        restockedAt = (
          await restockReturned(trx, {
            sku: l.sku,
            warehouse: input.warehouse,
            quantity: l.quantity,
            note: `return ${ret.id}`,
            actor,
          })
        ).warehouseCode;
      }
    }
    ret = await updateReturn(trx, id, {
      status: to,
      restock_warehouse_id: sellable ? ((await findWarehouse(trx, input.warehouse!))?.id ?? null) : null,
    });
    await recordReturnStep(trx, order, ret, lines, {
      action: 'receive',
      actor,
      message: sellable
        ? `Returned goods received and restocked at ${restockedAt}`
        : 'Returned goods received, not sellable',
    });
    if (ret.type === 'exchange') {
      const shipmentIds = await sendReplacement(
        trx,
        order,
        ret.id,
        lines.map((l) => ({
          id: l.id,
          orderLineId: l.order_line_id,
          sku: l.exchange_sku ?? l.sku,
          quantity: l.quantity,
        })),
        actor,
      );
      ret = await updateReturn(trx, id, { status: assertReturnTransition(ret, 'exchange') });
      await recordReturnStep(trx, order, ret, lines, {
        action: 'exchange',
        actor,
        message: `Replacement reserved and prepared in ${shipmentIds.length} shipment(s)`,
        data: { shipmentIds },
      });
    }
    return loadReturn(trx, id);
  });
}
