import { type Kysely, sql } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

type Prefs = Record<string, Record<string, boolean>>;
const CHANNELS = ['email', 'sms'];

/**
 * Contact preferences get one owner, customers (customers.contact_preferences): each row of
 * notification_preferences (a category on or off for every channel, keyed by the customer's id, the
 * e-mail in lower case, or `order:<id>`) goes to the customer it names, merges followed. Where the
 * two stores disagree, a "no" in either wins, then a "yes" in either; nothing stored keeps the
 * default (marketing off). A row that names nobody known (an e-mail never on an order) has no
 * customer to go to and goes with the table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ customer_id: string | null; category: string; enabled: boolean }>`
    select coalesce(c.id, i.customer_id, co.customer_id) as customer_id, p.category, p.enabled
    from notification_preferences p
    left join customers c on c.id::text = p.customer_key
    left join customer_identities i on i.kind = 'email' and i.value = p.customer_key
    left join customer_orders co on p.customer_key = 'order:' || co.order_id::text
    where p.category <> 'transactional'
    order by p.customer_key, p.category`.execute(db);
  const wanted = rows.filter((r): r is typeof r & { customer_id: string } => r.customer_id !== null);
  if (wanted.length > 0) {
    const { rows: customers } = await sql<{
      id: string;
      merged_into: string | null;
      contact_preferences: Prefs;
    }>`select id, merged_into, contact_preferences from customers`.execute(db);
    const byId = new Map(customers.map((c) => [c.id, c]));
    const live = (id: string) => {
      let c = byId.get(id);
      for (let hops = 0; c?.merged_into && hops < 10; hops++) c = byId.get(c.merged_into);
      return c;
    };
    const changed = new Map<string, Prefs>();
    for (const r of wanted) {
      const c = live(r.customer_id);
      if (!c) continue;
      const prefs = changed.get(c.id) ?? structuredClone(c.contact_preferences ?? {});
      const category = { ...prefs[r.category] };
      for (const ch of CHANNELS) category[ch] = category[ch] === false ? false : r.enabled;
      prefs[r.category] = category;
      changed.set(c.id, prefs);
    }
    for (const [id, prefs] of changed) {
      await sql`update customers set contact_preferences = ${JSON.stringify(prefs)}::jsonb where id = ${id}`.execute(
        db,
      );
    }
  }
  await runSql(db, 'drop table notification_preferences;');
}

/**
 * The table again, filled from customers with what the old store's default (everything on) would get
 * wrong: a category off on any channel, marketing unless the customer opted in on every channel.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table notification_preferences (
      customer_key text not null,
      category text not null,
      enabled boolean not null,
      updated_at timestamptz not null default now(),
      primary key (customer_key, category)
    );
    insert into notification_preferences (customer_key, category, enabled)
    select c.id::text, cat.name, false
    from customers c
    cross join (values ('delivery_updates', true), ('reminders', true), ('marketing', false)) cat(name, dflt)
    cross join (values ('email'), ('sms')) ch(name)
    where c.merged_into is null
    group by c.id, cat.name, cat.dflt
    having not bool_and(coalesce((c.contact_preferences -> cat.name ->> ch.name)::boolean, cat.dflt));`,
  );
}
