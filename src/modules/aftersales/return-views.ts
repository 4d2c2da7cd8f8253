import type { Conn } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import type { Return } from './aftersales.schemas.js';
import { findReturnById, findReturnLines, type ReturnLineRow, type ReturnRow } from './returns.repository.js';

export function toReturn(r: ReturnRow, lines: ReturnLineRow[]): Return {
  return {
    id: r.id,
    orderId: r.order_id,
    type: r.type,
    stage: r.stage,
    status: r.status,
    reason: r.reason,
    note: r.note,
    photos: r.photos,
    region: r.region,
    decisionNote: r.decision_note,
    refundAmount: r.refund_amount,
    shippingRefund: r.shipping_refund,
    lines: lines.map((l) => ({
      lineId: l.order_line_id,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      exchangeSku: l.exchange_sku,
    })),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export async function loadReturn(db: Conn, id: string): Promise<Return> {
  const r = await findReturnById(db, id);
  if (!r) throw notFound('Return', id);
  return toReturn(r, await findReturnLines(db, [id]));
}

/** The return as carried in events. */
export const returnSnapshot = (r: ReturnRow, lines: ReturnLineRow[]) => ({
  id: r.id,
  type: r.type,
  status: r.status,
  reason: r.reason,
  lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
});
