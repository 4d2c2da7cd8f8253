import type { Conn, Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, IdCursor } from '../../platform/http/pagination.js';
import type { OrderHooks } from '../orders/index.js';
import { getChannelRow } from './channel-accounts.js';
import { listChannelOrders, lockChannelOrder } from './channel-orders.repository.js';
import { type IntakeResult, releaseHeldChannelOrder } from './receive-channel-order.js';

export async function listChannelOrderPage(
  db: Conn,
  channelId: string,
  query: { limit?: number; cursor?: string; state?: 'held' | 'placed' },
) {
  await getChannelRow(db, channelId);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, IdCursor)?.[0];
  const rows = await listChannelOrders(db, channelId, { state: query.state, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      state: r.state,
      holdReason: r.hold_reason,
      orderId: r.order_id,
      channelUpdatedAt: new Date(r.channel_updated_at).toISOString(),
      receivedAt: r.received_at.toISOString(),
    })),
    nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null,
  };
}

/** POST …/release: place a held channel order now that its cause is fixed; 409 with the reason if not. */
export async function releaseChannelOrder(
  deps: { db: Db; orderHooks: OrderHooks },
  channelId: string,
  channelOrderId: string,
  actor: string,
): Promise<IntakeResult> {
  const channel = await getChannelRow(deps.db, channelId);
  const result = await inTransaction(deps.db, async (trx) => {
    const row = await lockChannelOrder(trx, channelId, { id: channelOrderId });
    if (!row) throw notFound('Channel order', channelOrderId);
    if (row.state !== 'held')
      throw new AppError('conflict', 'The channel order is not held', { orderId: row.order_id });
    return releaseHeldChannelOrder(trx, deps.orderHooks, channel, row, actor);
  });
  if (result.outcome === 'held') {
    throw new AppError('conflict', `The order is still held: ${result.holdReason}`, {
      holdReason: result.holdReason,
    });
  }
  return result;
}
