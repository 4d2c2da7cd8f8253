import type { Db } from '../../platform/db/database.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { toGateCampaign } from './campaign-views.js';
import { listCustomerUnits, listLiveCampaigns, sumGatedQueuedUnits } from './campaigns.repository.js';
import type { FlashGate } from './flash-gate.js';

/**
 * Keeps the Redis counters in line with the database, which is the truth: `campaigns.sold`, and the
 * units that queued tickets took in the gate and whose orders are not placed yet.
 * - counters missing (Redis restarted, campaign created while it was away): primed from the database;
 * - Redis has MORE left than the database: lowered at once, it can only let through buyers the
 *   database would turn away;
 * - Redis has LESS left: units held by winners whose orders are still running look the same as
 *   units lost by a crash, so the counter is raised only when the same gap is seen on two runs in a
 *   row with no sale in between.
 */
export function gateReconciler(db: Db, gate: FlashGate): ScheduledJob {
  const suspect = new Map<string, { remaining: number; sold: number }>();
  return {
    name: 'reconcile flash-sale counters',
    async run(now) {
      let repaired = 0;
      for (const row of await listLiveCampaigns(db, now)) {
        const c = toGateCampaign(row);
        const remaining = await gate.remaining(c.id).catch(() => null);
        if (remaining === null) return repaired; // Redis is away; try again next round
        if (remaining === undefined) {
          if (await gate.prime(c, await listCustomerUnits(db, c.id))) repaired++;
          continue;
        }
        const expected = c.allotted - c.sold - (await sumGatedQueuedUnits(db, c.id));
        const before = suspect.get(c.id);
        suspect.delete(c.id);
        if (remaining > expected) {
          if (await gate.repair(c.id, remaining, expected)) repaired++;
        } else if (remaining < expected) {
          if (before && before.remaining === remaining && before.sold === c.sold) {
            if (await gate.repair(c.id, remaining, expected)) repaired++;
          } else {
            suspect.set(c.id, { remaining, sold: c.sold });
          }
        }
      }
      return repaired;
    },
  };
}
