import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerForOrder, ensureOrderCustomer, findCustomer } from '../../src/modules/customers/index.js';
import type { Relay } from '../../src/modules/sync/index.js';
import { matchedCustomer, mobile, placeOrderFor, startConsumerRelay } from '../helpers/customers.js';
import { address, stockedSku } from '../helpers/factories.js';
import { uniq } from '../helpers/sync.js';
import { useTestApp } from '../helpers/test-app.js';

const onPostgres = process.env.TEST_DB === 'postgres';

describe('customers matched on order placement', () => {
  const t = useTestApp();
  let sku: string;
  let relay: Relay | undefined;
  let earlier: string[];

  beforeAll(async () => {
    sku = (await stockedSku(t(), 1_000)).sku;
    // Placed before the matching consumer ever ran: it starts at the beginning of the outbox.
    const email = `early-${uniq()}@example.com`;
    earlier = [
      await placeOrderFor(t(), sku, { email, phone: mobile() }),
      await placeOrderFor(t(), sku, { email: email.toUpperCase(), phone: mobile() }),
    ];
    relay = await startConsumerRelay(t());
  });
  afterAll(async () => {
    await relay?.stop();
  });

  it('backfills orders placed before it started, one customer per normalized e-mail', async () => {
    const [a, b] = await Promise.all(earlier.map((id) => matchedCustomer(t(), id)));
    expect(b?.id).toBe(a?.id);
    expect(a?.email).toMatch(/^early-[0-9a-f]+@example\.com$/);
  });

  it('matches by E.164 phone across channels, however the number was written', async () => {
    const digits = mobile();
    const web = await placeOrderFor(t(), sku, { email: `web-${uniq()}@example.com`, phone: digits });
    const tmall = await placeOrderFor(
      t(),
      sku,
      {
        email: `tmall-${uniq()}@example.com`,
        phone: `+86 ${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`,
      },
      { channel: 'tmall' },
    );
    const [first, second] = [await matchedCustomer(t(), web), await matchedCustomer(t(), tmall)];
    expect(second.id).toBe(first.id);
    expect(first.phone).toBe(`+86${digits}`);
  });

  it('creates a customer with the locale and time zone of where it ships, transactional contact only', async () => {
    const cn = await matchedCustomer(t(), await placeOrderFor(t(), sku, { phone: mobile() }));
    expect(cn).toMatchObject({ locale: 'zh-CN', timeZone: 'Asia/Shanghai', tags: [], mergedInto: null });
    expect(cn.preferences.transactional).toEqual({ email: true, sms: true });
    expect(cn.preferences.marketing).toEqual({ email: false, sms: false });

    const us = await placeOrderFor(
      t(),
      sku,
      { email: `us-${uniq()}@example.com`, phone: '+1 415 555 0100' },
      {
        addresses: { home: address({ country: 'US', phone: '+1 415 555 0100', province: 'CA', city: 'SF' }) },
      },
    );
    // The US spans several zones: unknown rather than a guess.
    expect(await matchedCustomer(t(), us)).toMatchObject({ locale: 'en', timeZone: null });
  });

  it('announces a new customer once, and a known buyer is not announced again', async () => {
    const email = `once-${uniq()}@example.com`;
    const ids = [
      await placeOrderFor(t(), sku, { email, phone: mobile() }),
      await placeOrderFor(t(), sku, { email, phone: mobile() }),
    ];
    const customer = await matchedCustomer(t(), ids[1]!);
    await matchedCustomer(t(), ids[0]!);
    const events = await t()
      .db.selectFrom('outbox')
      .select(['type', 'data'])
      .where('subject', '=', customer.id)
      .execute();
    expect(events.map((e) => e.type)).toEqual(['com.ordersync.customer.created']);
    expect(await findCustomer(t().db, customer.id)).toEqual(customer);
  });

  it('a phone that is not a valid number matches nobody and is not kept as the customer phone', async () => {
    const phone = '000 111';
    const a = await matchedCustomer(t(), await placeOrderFor(t(), sku, { phone }));
    const b = await matchedCustomer(t(), await placeOrderFor(t(), sku, { phone }));
    expect(a.phone).toBeNull();
    expect(b.id).not.toBe(a.id);
  });

  it.skipIf(!onPostgres)(
    'two new orders of one buyer matched at the same moment make one customer',
    async () => {
      await relay?.stop();
      relay = undefined;
      const email = `race-${uniq()}@example.com`;
      const ids = await Promise.all(
        Array.from({ length: 6 }, () => placeOrderFor(t(), sku, { email, phone: mobile() })),
      );
      const matched = await Promise.all(
        ids.map((id) =>
          t()
            .db.transaction()
            .execute((trx) => ensureOrderCustomer(trx, id)),
        ),
      );
      expect(new Set(matched.map((m) => m?.customer.id)).size).toBe(1);
      expect(matched.filter((m) => m?.matchedBy === 'new')).toHaveLength(1);
      expect((await customerForOrder(t().db, ids[0]!))?.id).toBe(matched[0]?.customer.id);
    },
  );
});
