import { Counter } from 'prom-client';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { registry } from '../../platform/metrics.js';
import type { RetentionConfig } from '../../platform/retention-config.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { customerFamily } from './customer-data.repository.js';
import {
  claimDueErasures,
  deleteErasedRecords,
  markPurged,
  purgeAbandonedCarts,
  purgeDeliveryLogs,
  purgeExportArchives,
  purgeNotificationLogs,
} from './retention.repository.js';

export const RETENTION_KINDS = [
  'abandoned_carts',
  'delivery_logs',
  'notification_logs',
  'export_archives',
  'erased_customers',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export const retentionPurged = new Counter({
  name: 'ordersync_retention_purged_total',
  help: 'Records deleted by the retention job, by kind (erased_customers counts customers, the rest rows)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const BATCH = 1000;

/** Purges in batches until a batch comes back short (or a bound is hit, the next round goes on). */
async function drain(purge: (batch: number) => Promise<number>, rounds = 20): Promise<number> {
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    const n = await purge(BATCH);
    total += n;
    if (n < BATCH) break;
  }
  return total;
}

async function purgeErasedCustomers(db: Db, before: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const due = await claimDueErasures(trx, before, 50);
    for (const erasure of due) {
      await deleteErasedRecords(trx, await customerFamily(trx, erasure.customer_id), erasure.order_ids);
      await markPurged(trx, erasure.id);
    }
    return due.length;
  });
}

/**
 * One round of retention: everything older than its kind's term is deleted (RETENTION_* settings,
 * docs/privacy.md), counted per kind in ordersync_retention_purged_total. Returns what it deleted.
 */
export async function enforceRetention(db: Db, retention: RetentionConfig, now: Date) {
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const purged: Record<RetentionKind, number> = {
    abandoned_carts: await drain((n) => purgeAbandonedCarts(db, ago(retention.abandonedCartsSeconds), n)),
    delivery_logs: await drain((n) => purgeDeliveryLogs(db, ago(retention.deliveryLogsSeconds), n)),
    notification_logs: await drain((n) =>
      purgeNotificationLogs(db, ago(retention.notificationLogsSeconds), n),
    ),
    export_archives: await drain((n) => purgeExportArchives(db, ago(retention.exportArchivesSeconds), n)),
    erased_customers: await purgeErasedCustomers(db, ago(retention.erasedCustomersSeconds)),
  };
  for (const kind of RETENTION_KINDS) if (purged[kind] > 0) retentionPurged.inc({ kind }, purged[kind]);
  return purged;
}

export interface RetentionDeps {
  db: Db;
  config: { retention: RetentionConfig; schedulerIntervalMs: number };
}

/**
 * The retention job: a round at most every ten minutes per process (the scheduler ticks every few
 * seconds; purging is not urgent). Safe in several processes: every batch claims with SKIP LOCKED.
 */
export function retentionJob(deps: RetentionDeps, everyMs = 10 * 60_000): ScheduledJob {
  let last = 0;
  return {
    name: 'retention',
    async run(now) {
      if (now.getTime() - last < everyMs) return 0;
      last = now.getTime();
      const purged = await enforceRetention(deps.db, deps.config.retention, now);
      return Object.values(purged).reduce((a, b) => a + b, 0);
    },
  };
}
