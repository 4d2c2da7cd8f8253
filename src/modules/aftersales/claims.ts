import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, type FieldError, notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { orderLineProgress } from '../fulfillment/index.js';
import { addOrderTimeline, lockOrder, toOrderSnapshot } from '../orders/index.js';
import {
  type PaymentProviders,
  refundableOfOrder,
  refundOrderAmount,
  settleDueRefunds,
} from '../payments/index.js';
import { enqueue } from '../sync/index.js';
import { assertClaimTransition, claimReason } from './claim-state.js';
import {
  type ClaimLineRow,
  type ClaimRow,
  claimedUnits,
  findClaimById,
  findClaimLines,
  findClaimsOfOrder,
  insertClaim,
  listClaims,
  lockClaimById,
  updateClaim,
} from './claims.repository.js';
import type {
  Claim,
  ClaimSummary,
  ListClaimsQuery,
  OpenClaimBody,
  ResolveClaimBody,
} from './claims.schemas.js';
import { suggestArticles } from './kb.js';
import { refundOfUnits } from './line-refunds.js';
import { sendReplacement } from './replacements.js';

/** Orders a parcel has left for: only these can have arrived missing, damaged or wrong. */
const SHIPPED = ['partially_shipped', 'shipped', 'delivered', 'completed'];

const claimSnapshot = (c: ClaimRow, lines: ClaimLineRow[]) => ({
  id: c.id,
  kind: c.kind,
  status: c.status,
  resolution: c.resolution,
  amount: c.amount === null ? null : Number(c.amount),
  lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
});

const toClaimSummary = (c: ClaimRow, lines: ClaimLineRow[]): ClaimSummary => ({
  id: c.id,
  orderId: c.order_id,
  kind: c.kind,
  status: c.status,
  note: c.note,
  photos: c.photos,
  lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
  resolution: c.resolution,
  amount: c.amount === null ? null : Number(c.amount),
  decisionNote: c.decision_note,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});

async function toClaim(db: Db | Trx, c: ClaimRow, lines: ClaimLineRow[]): Promise<Claim> {
  return {
    ...toClaimSummary(c, lines),
    // the knowledge base answers a claim as it answers a return of the same reason (issue 14)
    suggestedArticles: await suggestArticles(db, claimReason(c.kind)),
  };
}

/** GET /v1/claims: the queue, a page at a time, each claim with its lines (one query for them all). */
export async function claimsQueue(db: Db, query: ListClaimsQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, IdCursor);
  const rows = await listClaims(db, { status: query.status, beforeId: before?.[0], limit: limit + 1 });
  const lines = await findClaimLines(
    db,
    rows.slice(0, limit).map((r) => r.id),
  );
  return pageOf(
    rows,
    limit,
    (r) =>
      toClaimSummary(
        r,
        lines.filter((l) => l.claim_id === r.id),
      ),
    (r) => [r.id],
  );
}

export async function loadClaim(db: Db, id: string): Promise<Claim> {
  const c = await findClaimById(db, id);
  if (!c) throw notFound('Claim', id);
  return toClaim(db, c, await findClaimLines(db, [id]));
}

export async function claimsOfOrder(db: Db, orderId: string): Promise<Claim[]> {
  const rows = await findClaimsOfOrder(db, orderId);
  const lines = await findClaimLines(
    db,
    rows.map((r) => r.id),
  );
  return Promise.all(
    rows.map((r) =>
      toClaim(
        db,
        r,
        lines.filter((l) => l.claim_id === r.id),
      ),
    ),
  );
}

/**
 * POST /v1/orders/{id}/claims: units that shipped and arrived missing, damaged or wrong — never more
 * than shipped less what earlier claims (not rejected) asked — with photos of what arrived.
 */
export async function openClaim(
  db: Db,
  orderId: string,
  input: OpenClaimBody,
  actor: string,
): Promise<Claim> {
  const id = await inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!SHIPPED.includes(order.status))
      throw new AppError(
        'illegal_transition',
        `The order is ${order.status}: claims are for parcels that shipped`,
        {
          currentStatus: order.status,
        },
      );
    const progress = new Map((await orderLineProgress(trx, orderId)).map((l) => [l.id, l]));
    const claimed = await claimedUnits(trx, orderId);
    const errors: FieldError[] = [];
    if (input.kind !== 'missing' && !input.photos?.length)
      errors.push({
        field: 'body.photos',
        message: `a ${input.kind.replace('_', ' ')} claim needs a photo of what arrived`,
      });
    if (new Set(input.lines.map((l) => l.lineId)).size !== input.lines.length)
      errors.push({ field: 'body.lines', message: 'names a line twice' });
    input.lines.forEach((l, i) => {
      const p = progress.get(l.lineId);
      if (!p) {
        errors.push({ field: `body.lines[${i}].lineId`, message: 'is not a line of this order' });
        return;
      }
      const most = p.shipped - (claimed.get(l.lineId) ?? 0);
      if (l.quantity > most)
        errors.push({
          field: `body.lines[${i}].quantity`,
          message: `at most ${Math.max(0, most)} (shipped minus already claimed)`,
        });
    });
    if (errors.length)
      throw new AppError('unprocessable', errors.map((e) => e.message).join('; '), { errors });

    const claimId = newId();
    const lines = input.lines.map((l) => ({
      id: newId(),
      claim_id: claimId,
      order_line_id: l.lineId,
      sku: progress.get(l.lineId)!.sku,
      quantity: l.quantity,
    }));
    const row = await insertClaim(
      trx,
      {
        id: claimId,
        order_id: orderId,
        kind: input.kind,
        status: 'open',
        note: input.note ?? null,
        photos: JSON.stringify(input.photos ?? []),
      },
      lines,
    );
    await addOrderTimeline(trx, orderId, {
      kind: 'claim.opened',
      actor,
      message: `Claim (${input.kind.replace('_', ' ')}): ${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}`,
      data: { claimId },
    });
    await enqueue(trx, 'aftersales', orderId, [
      { type: 'claim.opened', data: { order: toOrderSnapshot(order), claim: claimSnapshot(row, lines) } },
    ]);
    return claimId;
  });
  return loadClaim(db, id);
}

async function lockClaim(trx: Trx, id: string) {
  const found = await findClaimById(trx, id);
  if (!found) throw notFound('Claim', id);
  const order = await lockOrder(trx, found.order_id);
  const claim = (await lockClaimById(trx, id))!;
  return { order, claim, lines: await findClaimLines(trx, [id]) };
}

/**
 * POST /v1/claims/{id}/resolve: a refund of the claimed units (their share of what was charged, as
 * a return's), a replacement shipment, or a compensation of at most what is left to refund.
 */
export async function resolveClaim(
  db: Db,
  providers: PaymentProviders,
  id: string,
  input: ResolveClaimBody,
  actor: string,
): Promise<Claim> {
  const pending = await inTransaction(db, async (trx) => {
    const { order, claim, lines } = await lockClaim(trx, id);
    const to = assertClaimTransition(claim, 'resolve');
    if (input.resolution !== 'compensation' && input.amount !== undefined)
      throw new AppError('unprocessable', 'Only a compensation takes an amount', {
        errors: [{ field: 'body.amount', message: `is not taken by a ${input.resolution}` }],
      });
    let amount: number | null = null;
    let shipments: string[] = [];
    if (input.resolution === 'replacement')
      shipments = await sendReplacement(
        trx,
        order,
        claim.id,
        lines.map((l) => ({ id: l.id, orderLineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
        actor,
      );
    else if (input.resolution === 'refund')
      amount = (
        await refundOfUnits(
          trx,
          order.id,
          lines.map((l) => ({ orderLineId: l.order_line_id, quantity: l.quantity })),
        )
      ).amount;
    else {
      const left = await refundableOfOrder(trx, order.id);
      if (input.amount === undefined || input.amount > left)
        throw new AppError(
          'unprocessable',
          `A compensation is between 1 and ${left}, what is left to refund`,
          {
            errors: [{ field: 'body.amount', message: `must be between 1 and ${left}` }],
          },
        );
      amount = input.amount;
    }
    const refunds = amount ? await refundOrderAmount(trx, order.id, amount, `claim ${claim.id}`, actor) : [];
    const resolved = await updateClaim(trx, id, {
      status: to,
      resolution: input.resolution,
      amount,
      decision_note: input.note ?? null,
    });
    const current = await lockOrder(trx, order.id);
    await addOrderTimeline(trx, order.id, {
      kind: 'claim.resolved',
      actor,
      message:
        input.resolution === 'replacement'
          ? `Claim resolved: a replacement is sent (${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')})`
          : `Claim resolved: ${amount} ${order.currency} ${input.resolution === 'refund' ? 'refunded for the lines' : 'paid as compensation'}`,
      data: { claimId: id, resolution: input.resolution, amount, shipments },
    });
    await enqueue(trx, 'aftersales', order.id, [
      {
        type: 'claim.resolved',
        data: { order: toOrderSnapshot(current), claim: claimSnapshot(resolved, lines) },
      },
    ]);
    return refunds.filter((r) => r.status === 'pending').map((r) => r.id);
  });
  if (pending.length) await settleDueRefunds(db, providers, new Date(), pending);
  return loadClaim(db, id);
}

/** POST /v1/claims/{id}/reject: nothing is given, and the buyer is told why. */
export async function rejectClaim(db: Db, id: string, note: string, actor: string): Promise<Claim> {
  await inTransaction(db, async (trx) => {
    const { order, claim, lines } = await lockClaim(trx, id);
    const rejected = await updateClaim(trx, id, {
      status: assertClaimTransition(claim, 'reject'),
      decision_note: note,
    });
    await addOrderTimeline(trx, order.id, {
      kind: 'claim.rejected',
      actor,
      message: `Claim rejected: ${note}`,
      data: { claimId: id },
    });
    await enqueue(trx, 'aftersales', order.id, [
      {
        type: 'claim.rejected',
        data: { order: toOrderSnapshot(order), claim: claimSnapshot(rejected, lines), note },
      },
    ]);
  });
  return loadClaim(db, id);
}
