import type { Conn } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { type AftersalesDeps, aftersalesRoutes } from './aftersales.routes.js';
import { claimRoutes } from './claims.routes.js';
import { suggestArticles } from './kb.js';
import * as m1123_0400 from './migrations/20261123_0400_aftersales.js';
import * as m1206_0310 from './migrations/20261206_0310_claims.js';
import { toReturn } from './return-views.js';
import { findReturnLines, listReturns } from './returns.repository.js';

export { seedDemoArticles } from './kb.js';
export { refundReturn } from './refund-return.js';
export { requestReturn } from './request-return.js';
export { approveReturn, receiveReturn } from './return-decisions.js';

async function returnsSection(db: Conn, orderId: string) {
  const rows = await listReturns(db, { orderId, limit: 200 });
  const lines = await findReturnLines(
    db,
    rows.map((r) => r.id),
  );
  // Knowledge-base articles for each return's reason, so support answers from one page (issue 14).
  const reasons = [...new Set(rows.map((r) => r.reason))];
  const articles = new Map(
    await Promise.all(reasons.map(async (r) => [r, await suggestArticles(db, r)] as const)),
  );
  return {
    returns: rows.reverse().map((r) => ({
      ...toReturn(
        r,
        lines.filter((l) => l.return_id === r.id),
      ),
      suggestedArticles: articles.get(r.reason) ?? [],
    })),
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
    '20261206_0310_claims': m1206_0310,
  },
  routes: [aftersalesRoutes, claimRoutes],
  orderHooks: aftersalesOrderHooks,
} satisfies Module<AftersalesDeps, Partial<OrderHooks>>;
