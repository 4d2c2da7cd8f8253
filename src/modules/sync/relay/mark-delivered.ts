import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

/**
 * Records confirmed deliveries. Guarded by locked_by: if this relay's lease ran out and another relay
 * took a delivery over, that relay's outcome is the one that counts (it will deliver again; consumers
 * dedupe by event id).
 *
 *   update deliveries set status = 'delivered', delivered_at = now(), locked_by = null, locked_until = null
 *   where id = any($ids) and locked_by = $relay
 */
export async function markDelivered(trx: Trx, relayId: string, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`
    update deliveries
    set status = 'delivered', delivered_at = now(), locked_by = null, locked_until = null
    where id = any(${ids}::uuid[]) and locked_by = ${relayId}
  `.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
