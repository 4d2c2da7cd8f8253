import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { resolveSkus } from '../catalog/index.js';
import { orderLineProgress } from '../fulfillment/index.js';
import { addOrderTimeline, findOrderAddresses, lockOrder, toOrderSnapshot } from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import type { CreateReturnBody, Return } from './aftersales.schemas.js';
import { assertWithinWindow, findReturnRule } from './return-rules.js';
import { reasonGroup } from './return-state.js';
import { returnSnapshot, toReturn } from './return-views.js';
import { insertReturn, requestedUnits } from './returns.repository.js';

/**
 * POST /v1/orders/{id}/returns. A refund-only request for units not shipped yet is handled before
 * shipment (no window); everything else asks back delivered units — never more than delivered
 * minus already asked back — within the window of the region's rule for the reason.
 */
export function requestReturn(
  db: Db,
  orderId: string,
  input: CreateReturnBody,
  actor: string,
  now = new Date(),
): Promise<Return> {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    const progress = new Map((await orderLineProgress(trx, orderId)).map((l) => [l.id, l]));
    const asked = new Map<string, number>();
    for (const r of await requestedUnits(trx, orderId))
      asked.set(`${r.order_line_id}:${r.stage}`, r.quantity);

    const errors: FieldError[] = [];
    input.lines.forEach((l, i) => {
      if (!progress.has(l.lineId))
        errors.push({ field: `body.lines[${i}].lineId`, message: 'is not a line of this order' });
    });
    if (new Set(input.lines.map((l) => l.lineId)).size !== input.lines.length) {
      errors.push({ field: 'body.lines', message: 'names a line twice' });
    }
    if (errors.length) throw new AppError('unprocessable', 'Some lines cannot be returned', { errors });

    const unshipped = (id: string) => {
      const p = progress.get(id)!;
      return p.owed - p.assigned - (asked.get(`${id}:before_shipment`) ?? 0);
    };
    const returnable = (id: string) => progress.get(id)!.delivered - (asked.get(`${id}:after_delivery`) ?? 0);
    const beforeShipment =
      input.type === 'refund_only' &&
      ['paid', 'partially_shipped'].includes(order.status) &&
      input.lines.every((l) => progress.get(l.lineId)!.delivered === 0 && l.quantity <= unshipped(l.lineId));
    input.lines.forEach((l, i) => {
      const most = beforeShipment ? unshipped(l.lineId) : returnable(l.lineId);
      if (l.quantity > most) {
        errors.push({
          field: `body.lines[${i}].quantity`,
          message: beforeShipment
            ? `at most ${most} not yet shipped`
            : `at most ${Math.max(0, most)} (delivered minus already returned)`,
        });
      }
    });
    if (errors.length) throw new AppError('unprocessable', 'More units than can be returned', { errors });

    const addresses = await findOrderAddresses(trx, orderId);
    const first = progress.get(input.lines[0]!.lineId)!;
    const region = addresses.find((a) => a.key === first.shipTo)?.country ?? '*';
    if (!beforeShipment) {
      // the window runs from the latest delivery of the lines asked back
      const times = input.lines.flatMap((l) => progress.get(l.lineId)!.lastDeliveredAt?.getTime() ?? []);
      const rule = await findReturnRule(trx, region, reasonGroup(input.reason));
      assertWithinWindow(rule, input.reason, times.length ? new Date(Math.max(...times)) : now, now);
    }
    if (input.type === 'exchange') {
      const wanted = input.lines.map((l) => l.exchangeSku ?? progress.get(l.lineId)!.sku);
      const known = await resolveSkus(trx, wanted);
      wanted.forEach((sku, i) => {
        if (!known.get(sku)?.sellable)
          errors.push({ field: `body.lines[${i}].exchangeSku`, message: `${sku} is not for sale` });
      });
      if (errors.length) throw new AppError('unprocessable', 'Some exchange SKUs cannot be sent', { errors });
    }

    const id = newId();
    const lines = input.lines.map((l) => {
      const p = progress.get(l.lineId)!;
      return {
        id: newId(),
        return_id: id,
        order_line_id: l.lineId,
        sku: p.sku,
        quantity: l.quantity,
        unit_price: p.unitPrice,
        exchange_sku: input.type === 'exchange' ? (l.exchangeSku ?? p.sku) : null,
      };
    });
    const row = await insertReturn(
      trx,
      {
        id,
        order_id: orderId,
        type: input.type,
        stage: beforeShipment ? 'before_shipment' : 'after_delivery',
        status: 'requested',
        reason: input.reason,
        note: input.note ?? null,
        photos: JSON.stringify(input.photos ?? []),
        region,
      },
      lines,
    );
    await addOrderTimeline(trx, orderId, {
      kind: 'return.requested',
      actor,
      message: `${input.type} requested (${input.reason}): ${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}`,
      data: { returnId: id },
    });
    await enqueue(trx, 'aftersales', orderId, [
      {
        type: 'return.requested',
        data: { order: toOrderSnapshot(order), return: returnSnapshot(row, lines) },
      },
    ]);
    return toReturn(row, lines);
  });
}
