import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

/**
 * Gives deliveries back untried: the later events of an order whose earlier event just failed, and
 * deliveries whose broker link was down. The attempt counted at claim time is handed back, since none
 * was made, and the delivery is due again at once (it still waits its turn behind its order's head).
 *
 *   update deliveries set locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
 *   where id = any($ids) and locked_by = $relay
 */
export async function releaseDeliveries(trx: Trx, relayId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update deliveries
    set locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
    where id = any(${ids}::uuid[]) and locked_by = ${relayId}
  `.execute(trx);
}
