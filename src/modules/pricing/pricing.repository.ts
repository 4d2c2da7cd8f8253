import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import type { Promotion, ShippingZone, TaxRate } from './pricing.schemas.js';
import type { PromotionsTable, ShippingZonesTable, TaxRatesTable } from './pricing.tables.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toPromotion = (r: Selectable<PromotionsTable>): Promotion => ({
  id: r.id,
  name: r.name,
  code: r.code,
  currency: r.currency,
  active: r.active,
  startsAt: iso(r.starts_at),
  endsAt: iso(r.ends_at),
  priority: r.priority,
  exclusive: r.exclusive,
  conditions: r.conditions,
  action: r.action,
  usageLimit: r.usage_limit,
  perCustomerLimit: r.per_customer_limit,
  used: r.used,
});

const toZone = (r: Selectable<ShippingZonesTable>): ShippingZone => ({
  id: r.id,
  name: r.name,
  currency: r.currency,
  regions: r.regions,
  rates: r.rates,
  cod: r.cod,
});

const toTaxRate = (r: Selectable<TaxRatesTable>): TaxRate => ({
  id: r.id,
  country: r.country,
  province: r.province,
  category: r.category,
  basisPoints: r.basis_points,
  inclusive: r.inclusive,
  name: r.name,
});

export async function listPromotions(db: Conn, which: 'all' | 'automatic' = 'all'): Promise<Promotion[]> {
  let q = db.selectFrom('promotions').selectAll();
  if (which === 'automatic') q = q.where('code', 'is', null).where('active', '=', true);
  return (await q.orderBy('priority', 'desc').orderBy('name').limit(1000).execute()).map(toPromotion);
}

/**
 * The coupons a cart names, in ONE query, each with how often this customer used it (when known):
 * the only per-checkout read of promotions (automatic ones are cached with the other rules).
 */
export async function findCoupons(
  db: Conn,
  codes: readonly string[],
  customer: string | undefined,
): Promise<{ promotions: Promotion[]; uses: Record<string, number> }> {
  if (codes.length === 0) return { promotions: [], uses: {} };
  const rows = await db
    .selectFrom('promotions as p')
    .selectAll('p')
    .select((eb) =>
      customer
        ? eb
            .selectFrom('promotion_customer_uses as u')
            .select('u.uses')
            .whereRef('u.promotion_id', '=', 'p.id')
            .where('u.customer', '=', customer)
            .as('customer_uses')
        : sql<number | null>`null`.as('customer_uses'),
    )
    .where(
      sql`lower(p.code)`,
      'in',
      codes.map((c) => c.toLowerCase()),
    )
    .execute();
  const uses: Record<string, number> = {};
  for (const r of rows) if (r.customer_uses) uses[r.id] = Number(r.customer_uses);
  return { promotions: rows.map(toPromotion), uses };
}

export async function insertPromotion(db: Conn, row: Insertable<PromotionsTable>): Promise<Promotion> {
  return toPromotion(await db.insertInto('promotions').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function updatePromotion(
  db: Conn,
  id: string,
  row: Omit<Insertable<PromotionsTable>, 'id'>,
): Promise<Promotion | undefined> {
  const r = await db
    .updateTable('promotions')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return r && toPromotion(r);
}

export async function listZones(db: Conn): Promise<ShippingZone[]> {
  return (await db.selectFrom('shipping_zones').selectAll().orderBy('name').execute()).map(toZone);
}

export async function insertZone(db: Conn, row: Insertable<ShippingZonesTable>): Promise<ShippingZone> {
  return toZone(await db.insertInto('shipping_zones').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function updateZone(
  db: Conn,
  id: string,
  row: Omit<Insertable<ShippingZonesTable>, 'id'>,
): Promise<ShippingZone | undefined> {
  const r = await db
    .updateTable('shipping_zones')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return r && toZone(r);
}

export async function deleteZone(db: Conn, id: string): Promise<boolean> {
  const r = await db.deleteFrom('shipping_zones').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function listTaxRates(db: Conn): Promise<TaxRate[]> {
  return (
    await db
      .selectFrom('tax_rates')
      .selectAll()
      .orderBy('country')
      .orderBy('province')
      .orderBy('category')
      .execute()
  ).map(toTaxRate);
}

export async function insertTaxRate(db: Conn, row: Insertable<TaxRatesTable>): Promise<TaxRate> {
  return toTaxRate(await db.insertInto('tax_rates').values(row).returningAll().executeTakeFirstOrThrow());
}

export async function deleteTaxRate(db: Conn, id: string): Promise<boolean> {
  const r = await db.deleteFrom('tax_rates').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}
