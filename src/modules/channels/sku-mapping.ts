import type { Conn } from '../../platform/db/database.js';
import { resolveSkus, type SkuInfo } from '../catalog/index.js';
import type { ChannelOrderLine } from './channel-order.js';
import { findMappedSkus } from './channels.repository.js';

export type MappedLines = { ok: true; items: SkuInfo[] } | { ok: false; reason: string };

/**
 * Our SKU for each channel line: the mapping table first (by the channel's SKU, then its variant id),
 * else the channel's SKU itself when our catalog has it. A line neither names is unknown, and the
 * reason says which and how to fix it.
 */
export async function mapChannelLines(
  db: Conn,
  channelId: string,
  lines: readonly Pick<ChannelOrderLine, 'channelSku' | 'variantId' | 'title'>[],
): Promise<MappedLines> {
  const keys = lines.flatMap((l) => [l.channelSku, l.variantId].filter((k): k is string => !!k));
  const mapped = await findMappedSkus(db, channelId, keys);
  const candidates = lines.map(
    (l) =>
      (l.channelSku && mapped.get(l.channelSku)) ||
      (l.variantId && mapped.get(l.variantId)) ||
      l.channelSku ||
      undefined,
  );
  const known = await resolveSkus(
    db,
    candidates.filter((c): c is string => !!c),
  );
  const unknown = lines.flatMap((l, i) =>
    candidates[i] && known.has(candidates[i]) ? [] : [`line ${i + 1} (${describe(l)})`],
  );
  if (unknown.length === 0) return { ok: true, items: candidates.map((c) => known.get(c!)!) };
  return {
    ok: false,
    reason: `unknown SKU on ${unknown.join(', ')}: map it with PUT /v1/channels/${channelId}/sku-map, then release the order`,
  };
}

function describe(l: Pick<ChannelOrderLine, 'channelSku' | 'variantId' | 'title'>): string {
  const ids = [l.channelSku && `SKU ${l.channelSku}`, l.variantId && `variant ${l.variantId}`].filter(
    Boolean,
  );
  return ids.length ? ids.join(', ') : `"${l.title}" without SKU or variant id`;
}
