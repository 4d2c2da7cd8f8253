import { Type } from 'typebox';
import type { Conn, Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.js';
import { resolveSkus } from '../catalog/index.js';
import { getChannelRow } from './channel-accounts.js';
import { deleteSkuMap, listSkuMap, upsertSkuMap } from './channels.repository.js';

const SkuCursor = Type.Tuple([Type.String({ maxLength: 128 })]);

export async function getSkuMapPage(db: Conn, channelId: string, query: { limit?: number; cursor?: string }) {
  await getChannelRow(db, channelId);
  const limit = query.limit ?? 200;
  const after = decodeCursor(query.cursor, SkuCursor)?.[0];
  const rows = await listSkuMap(db, channelId, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map((r) => ({ channelSku: r.channel_sku, sku: r.sku })),
    nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.channel_sku]) : null,
  };
}

/** Maps channel SKUs to ours (replacing earlier mappings of the same channel SKUs); ours must exist. */
export async function putSkuMap(
  db: Db,
  channelId: string,
  entries: readonly { channelSku: string; sku: string }[],
): Promise<{ mapped: number }> {
  await getChannelRow(db, channelId);
  const seen = new Set<string>();
  const known = await resolveSkus(
    db,
    entries.map((e) => e.sku),
  );
  const errors = entries.flatMap((e, i) => {
    if (seen.has(e.channelSku))
      return [{ field: `body.entries[${i}].channelSku`, message: `${e.channelSku} is listed twice` }];
    seen.add(e.channelSku);
    return known.has(e.sku) ? [] : [{ field: `body.entries[${i}].sku`, message: `no SKU ${e.sku} here` }];
  });
  if (errors.length) throw new AppError('unprocessable', 'Some mappings cannot be made', { errors });
  await upsertSkuMap(db, channelId, entries);
  return { mapped: entries.length };
}

export async function removeSkuMap(db: Db, channelId: string, channelSkus: readonly string[]) {
  await getChannelRow(db, channelId);
  return { removed: await deleteSkuMap(db, channelId, channelSkus) };
}
