import { Type } from 'typebox';
import type { Conn } from '../../../platform/db/database.js';
import { decodeCursor, pageOf } from '../../../platform/http/pagination.js';
import { getChannelRow } from '../channel-accounts.js';
import type { StockPushStatus, StockPushStatusQuery } from '../channels.schemas.js';
import { countStockLevels, findStockPushState, listChannelStockLevels } from './stock-levels.repository.js';

const SkuCursor = Type.Tuple([Type.String({ maxLength: 128 })]);
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** GET /v1/channels/{id}/stock-push: the pusher's counters for the channel and its SKUs' last pushes. */
export async function stockPushStatus(
  db: Conn,
  channelId: string,
  query: StockPushStatusQuery,
): Promise<StockPushStatus> {
  await getChannelRow(db, channelId);
  const limit = query.limit ?? 200;
  const after = decodeCursor(query.cursor, SkuCursor)?.[0];
  const [state, counts, rows] = await Promise.all([
    findStockPushState(db, channelId),
    countStockLevels(db, channelId),
    listChannelStockLevels(db, channelId, after, limit + 1),
  ]);
  return {
    pushedTotal: Number(state?.pushed_total ?? 0),
    throttledTotal: Number(state?.throttled_total ?? 0),
    staleTotal: Number(state?.stale_total ?? 0),
    failedTotal: Number(state?.failed_total ?? 0),
    lastPushedAt: iso(state?.last_pushed_at),
    lastError: state?.last_error ?? null,
    lastErrorAt: iso(state?.last_error_at),
    due: counts.due,
    notOnChannel: counts.absent,
    skus: pageOf(
      rows,
      limit,
      (r) => ({
        sku: r.sku,
        pushedLevel: r.pushed_level,
        pushedAt: iso(r.pushed_at),
        changedAt: r.changed_at.toISOString(),
        due: r.due,
        onChannel: !r.absent,
      }),
      (r) => [r.sku],
    ),
  };
}
