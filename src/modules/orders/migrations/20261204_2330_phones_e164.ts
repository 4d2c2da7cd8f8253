import { type Kysely, sql } from 'kysely';
import { normalizePhone } from '../phone-number.js';

const BATCH = 1000;

// Phones are stored in E.164 from now on (phone-number.ts), so that any spelling finds them: the
// phones stored before are rewritten the same way, a batch at a time, in the address's country (a
// customer's phone in that of the order's first address). What is not a valid number stays as it is.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
    const { rows } = await sql<{ id: string; phone: string; country: string | null }>`
      select o.id, o.customer_phone as phone,
        (select a.country from order_addresses a where a.order_id = o.id order by a.key limit 1) as country
      from orders o
      where o.id > ${after}::uuid and o.customer_phone is not null
      order by o.id limit ${BATCH}`.execute(db);
    for (const r of rows) {
      const phone = normalizePhone(r.phone, r.country ?? undefined);
      if (phone !== r.phone)
        await sql`update orders set customer_phone = ${phone} where id = ${r.id}`.execute(db);
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.id;
  }
  const { rows } = await sql<{ phone: string; country: string }>`
    select distinct phone, country from order_addresses`.execute(db);
  for (const r of rows) {
    const phone = normalizePhone(r.phone, r.country);
    if (phone !== r.phone) {
      await sql`update order_addresses set phone = ${phone}
        where phone = ${r.phone} and country = ${r.country}`.execute(db);
    }
  }
}

// The spellings before are not kept; E.164 is a valid spelling for the code before this, too.
export async function down(): Promise<void> {}
