import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../platform/pseudonyms.js';
import type { OrderPlacement } from '../orders/index.js';
import { decide as decideWith, type LoadedRule, validPrcResidentId } from './market-rules.js';

const KEY = 'k'.repeat(32);
const decide = (rules: LoadedRule[], p: OrderPlacement) => decideWith(rules, p, (s) => pseudonym(KEY, s));

const placement = (over: Partial<OrderPlacement> = {}): OrderPlacement => ({
  channel: 'web',
  currency: 'CNY',
  paymentMethod: 'sandbox',
  at: new Date('2026-12-06T00:00:00Z'),
  customer: { email: 'a@example.cn', name: 'Li Lei', phone: null },
  buyerIdentity: undefined,
  lines: [
    {
      sku: 'A',
      categoryId: 'c1',
      value: 1000,
      destination: { country: 'CN', province: 'Shanghai', district: null, postalCode: null },
    },
    {
      sku: 'B',
      categoryId: 'c2',
      value: 3000,
      destination: { country: 'US', province: 'CA', district: null, postalCode: null },
    },
  ],
  grandTotal: 4500,
  ...over,
});

const rule = (conditions: LoadedRule['conditions'], over: Partial<LoadedRule> = {}): LoadedRule => ({
  id: 'r1',
  name: 'r',
  country: 'CN',
  province: null,
  channels: null,
  conditions,
  ...over,
});

describe('market rule decisions', () => {
  it('reads PRC resident IDs by their check character', () => {
    expect(validPrcResidentId('11010519491231002X')).toBe(true);
    expect(validPrcResidentId('110105194912310021')).toBe(false);
    expect(validPrcResidentId('11010519491231002')).toBe(false);
  });

  it('counts only the lines shipped into the region (the whole order when all are)', () => {
    const d = decide([rule({ currency: 'CNY', yearlyValueLimit: 10_000 })], placement());
    expect(d.ok && d.charges.map((c) => c.amount)).toEqual([1000]);
    const all = decide(
      [rule({ currency: 'CNY', yearlyValueLimit: 10_000 })],
      placement({ lines: placement().lines.slice(0, 1) }),
    );
    expect(all.ok && all.charges.map((c) => c.amount)).toEqual([4500]);
  });

  it('applies a rule only to its channels and province, and refuses another currency than its limits', () => {
    expect(decide([rule({ restrictedSkus: ['A'] }, { channels: ['pos'] })], placement())).toMatchObject({
      ok: true,
      applied: [],
    });
    expect(decide([rule({ restrictedSkus: ['A'] }, { province: 'shanghai' })], placement())).toMatchObject({
      ok: false,
      refusal: { reason: 'restricted_sku' },
    });
    expect(decide([rule({ currency: 'EUR', orderValueLimit: 1 })], placement())).toMatchObject({
      ok: false,
      refusal: { reason: 'currency_mismatch' },
    });
  });

  it('counts a person under a keyed pseudonym: another key, another pseudonym, never a plain hash', () => {
    const limited = [rule({ currency: 'CNY', yearlyValueLimit: 10_000 })];
    const keyOf = (key: string) => {
      const d = decideWith(limited, placement(), (s) => pseudonym(key, s));
      return d.ok ? d.charges[0]!.personKey : undefined;
    };
    const email = placement().customer.email.trim().toLowerCase();
    const a = keyOf('a'.repeat(32));
    const b = keyOf('b'.repeat(32));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    for (const plain of [email, `email:${email}`]) {
      expect([a, b]).not.toContain(createHash('sha256').update(plain).digest('hex'));
    }
  });
});
