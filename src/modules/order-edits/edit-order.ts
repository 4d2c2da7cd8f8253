import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { orderLineProgress } from '../fulfillment/index.js';
import {
  addOrderTimeline,
  applyOrderEdit,
  findOrderAddresses,
  findOrderLines,
  lockOrder,
  type OrderAddressRow,
  type OrderLineRow,
  type OrderRow,
  toAddressRows,
  toAddressView,
  toOrderSnapshot,
} from '../orders/index.js';
import { refundableOfOrder, refundOrderAmount, voidOpenPayments } from '../payments/index.js';
import { keptPricing, type PricingRulesCache } from '../pricing/index.js';
import { enqueue } from '../sync/index.js';
import { moveStock } from './edit-stock.js';
import { insertOrderEdit } from './order-edits.repository.js';
import type { OrderEditBody } from './order-edits.schemas.js';
import { priceEdit, shippingOf } from './price-edit.js';

/** Statuses an order can be edited in: placed, before anything left (or was set out in) a warehouse. */
const EDITABLE = ['pending_payment', 'placed', 'paid'];

export interface EditContext {
  actor: string;
  pricingRules: PricingRulesCache;
  paymentTimeoutSeconds: number;
}

export interface EditOutcome {
  orderId: string;
  editId: string;
  version: number;
  due: number;
  /** Refunds at outside providers to call after commit. */
  pendingRefunds: string[];
}

/** The part of an order an edit changes, as order_edits keeps it before and after. */
function snapshot(order: OrderRow, lines: OrderLineRow[], addresses: OrderAddressRow[]) {
  return {
    lines: lines.map((l) => ({
      id: l.id,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      lineTotal: l.line_total,
      discount: l.discount,
      tax: l.tax,
      shipTo: l.ship_to,
    })),
    addresses: Object.fromEntries(addresses.map((a) => [a.key, toAddressView(a)])),
    shipping: shippingOf(order.pricing),
    totals: {
      subtotal: order.subtotal,
      discount: order.discount_total,
      shipping: order.shipping_total,
      tax: order.tax_total,
      codFee: order.cod_fee,
      grandTotal: order.grand_total,
    },
    status: order.status,
  };
}

/** 409 unless nothing of the order has left, been set out for, or been cancelled from a warehouse. */
async function assertEditable(trx: Trx, order: OrderRow) {
  if (!EDITABLE.includes(order.status))
    throw new AppError(
      'illegal_transition',
      `The order is ${order.status}: an order can be edited only until it ships`,
      { currentStatus: order.status },
    );
  if (order.channel === 'flash-sale')
    throw new AppError('conflict', 'A flash-sale order is sold at its sale price and cannot be edited');
  const progress = await orderLineProgress(trx, order.id);
  if (progress.some((l) => l.assigned > 0))
    throw new AppError('conflict', 'A shipment of this order is being prepared: it can no longer be edited', {
      currentStatus: order.status,
    });
  if (progress.some((l) => l.cancelled > 0))
    throw new AppError(
      'conflict',
      'Lines of this order were cancelled for a refund; it can no longer be edited',
    );
}

/**
 * POST /v1/orders/{id}/edits: one transaction under the order's lock (the lock payments and
 * shipments take first too, so an edit and a payment callback or a shipment queue, never interleave).
 * The edited cart is priced by priceOrder as at placement; stock moves by the differences only
 * (released with the line's reservations, reserved with the conditional statement of a placement);
 * the order's lines and totals are rewritten; money held beyond the new total is refunded, and open
 * intents are voided when the total changed (a payment arriving for one is refunded, never lost).
 */
export async function editOrder(
  db: Db,
  orderId: string,
  body: OrderEditBody,
  ctx: EditContext,
): Promise<EditOutcome> {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId, body.version);
    await assertEditable(trx, order);
    const [lines, addresses] = await Promise.all([
      findOrderLines(trx, orderId),
      findOrderAddresses(trx, orderId),
    ]);
    const { cart, priced, catalog } = await priceEdit(trx, order, lines, addresses, body, ctx.pricingRules);
    const newIds = await moveStock(trx, orderId, lines, cart);

    // Money: what the order holds beyond its new total goes back.
    const cod = order.payment_method === 'cod';
    const held = cod ? 0 : await refundableOfOrder(trx, orderId);
    const refund = Math.max(0, held - priced.grandTotal);
    if (!cod && priced.grandTotal !== order.grand_total) await voidOpenPayments(trx, orderId);

    const maxLineNo = Math.max(...lines.map((l) => l.line_no));
    let added = 0;
    const pricedLine = (i: number) => priced.lines[i]!;
    const updated = await applyOrderEdit(
      trx,
      order,
      {
        update: cart.lines.flatMap((l, i) =>
          l.lineId === null
            ? []
            : [
                {
                  id: l.lineId,
                  quantity: l.quantity,
                  line_total: pricedLine(i).lineTotal,
                  discount: pricedLine(i).discount,
                  tax: pricedLine(i).tax,
                  tax_inclusive: pricedLine(i).taxInclusive,
                },
              ],
        ),
        insert: cart.lines.flatMap((l, i) => {
          if (l.lineId !== null) return [];
          const c = catalog.get(l.sku)!;
          added += 1;
          return [
            {
              id: newIds[i]!,
              order_id: orderId,
              line_no: maxLineNo + added,
              sku: l.sku,
              product_id: c.productId,
              variant_id: c.variantId,
              title: c.title,
              unit_price: l.unitPrice,
              quantity: l.quantity,
              line_total: pricedLine(i).lineTotal,
              ship_to: l.shipTo,
              discount: pricedLine(i).discount,
              tax: pricedLine(i).tax,
              tax_inclusive: pricedLine(i).taxInclusive,
            },
          ];
        }),
        remove: lines.filter((l) => !cart.lines.some((c) => c.lineId === l.id)).map((l) => l.id),
        addresses: toAddressRows(orderId, body.addresses ?? {}),
        totals: {
          subtotal: priced.subtotal,
          shipping: priced.shipping,
          discount: priced.discount,
          tax: priced.tax,
          grandTotal: priced.grandTotal,
          codFee: priced.codFee,
        },
        pricing: keptPricing(priced),
        held: held - refund,
        paymentDueAt: new Date(Date.now() + ctx.paymentTimeoutSeconds * 1000),
      },
      ctx.actor,
    );
    const due = cod ? 0 : Math.max(0, priced.grandTotal - (held - refund));

    const before = snapshot(order, lines, addresses);
    const [afterLines, afterAddresses] = await Promise.all([
      findOrderLines(trx, orderId),
      findOrderAddresses(trx, orderId),
    ]);
    const after = snapshot(updated, afterLines, afterAddresses);
    const editId = newId();
    const difference = priced.grandTotal - order.grand_total;
    const { version } = await insertOrderEdit(trx, {
      id: editId,
      order_id: orderId,
      actor: ctx.actor,
      reason: body.reason ?? null,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
      difference,
      refunded: refund,
      due,
    });
    const money = refund > 0 ? `, ${refund} refunded` : due > 0 ? `, ${due} to pay` : '';
    await addOrderTimeline(trx, orderId, {
      kind: 'order.edited',
      actor: ctx.actor,
      message: `Edit ${version}: total ${order.grand_total} → ${priced.grandTotal} ${order.currency}${money}${body.reason ? ` (${body.reason})` : ''}`,
      data: { editId, version, difference, refunded: refund, due },
    });
    await recordChange(trx, {
      action: 'order.edit',
      resource: 'order',
      resourceId: orderId,
      before: before.totals,
      after: { ...after.totals, version },
    });
    await enqueue(trx, 'orders', orderId, [
      {
        type: 'order.edited',
        data: {
          order: toOrderSnapshot(updated),
          edit: { id: editId, version, difference, refunded: refund, due },
          before,
          after,
        },
      },
    ]);
    // after the edit's event, so a subscriber sees the new total before the money it frees goes back
    const refunds = refund > 0 ? await refundOrderAmount(trx, orderId, refund, 'order edit', ctx.actor) : [];
    return {
      orderId,
      editId,
      version,
      due,
      pendingRefunds: refunds.filter((r) => r.status === 'pending').map((r) => r.id),
    };
  });
}
