import type { Role } from '../../platform/auth/roles.js';
import type { Conn } from '../../platform/db/database.js';
import { maskName } from '../../platform/privacy/masking.js';
import { findBuyerIdentity } from './market-rules.repository.js';

/** `110101199003071234` → `110***********34`: enough to recognise, not to use. */
export const maskIdNumber = (id: string) =>
  `${id.slice(0, 3)}${'*'.repeat(Math.max(id.length - 5, 0))}${id.slice(-2)}`;

/**
 * GET /v1/orders/{id}: the identity document a market rule asked for, in full for admin (and
 * OrderSync itself), masked for support and the buyer; other roles do not see it.
 */
export async function buyerIdentitySection(db: Conn, orderId: string, viewer?: Role) {
  if (viewer !== undefined && !['admin', 'support', 'storefront'].includes(viewer)) return {};
  const row = await findBuyerIdentity(db, orderId);
  if (!row) return {};
  const full = viewer === undefined || viewer === 'admin';
  return {
    buyerIdentity: full
      ? { name: row.name, idNumber: row.id_number }
      : { name: maskName(row.name), idNumber: maskIdNumber(row.id_number) },
  };
}
