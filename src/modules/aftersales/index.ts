import type { Conn } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { type AftersalesDeps, aftersalesRoutes } from './aftersales.routes.js';
import * as m1123_0400 from './migrations/20261123_0400_aftersales.js';
import { toReturn } from './return-views.js';
import { findReturnLines, listReturns } from './returns.repository.js';

export { seedDemoArticles } from './kb.js';

async function returnsSection(db: Conn, orderId: string) {
  const rows = await listReturns(db, { orderId, limit: 200 });
  const lines = await findReturnLines(
    db,
    rows.map((r) => r.id),
  );
  return {
    returns: rows.reverse().map((r) =>
      toReturn(
        r,
        lines.filter((l) => l.return_id === r.id),
      ),
    ),
  };
}

/** What after-sales adds to the order life cycle (wired in app.ts). */
const aftersalesOrderHooks: Partial<OrderHooks> = {
  detailSections: [returnsSection],
};

export const aftersalesModule = {
  name: 'aftersales',
  migrations: {
    '20261123_0400_aftersales': m1123_0400,
  },
  routes: [aftersalesRoutes],
  orderHooks: aftersalesOrderHooks,
} satisfies Module<AftersalesDeps, Partial<OrderHooks>>;
