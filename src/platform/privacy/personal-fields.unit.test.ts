import { describe, expect, it } from 'vitest';
import { REDACTED, withoutPersonalData } from './personal-fields.js';

describe('what the audit trail keeps out', () => {
  it('keeps the names of things and removes the names, contacts and streets of people', () => {
    const body = {
      name: 'No COD to Tibet',
      scope: { country: 'CN', province: 'Xizang' },
      lines: [{ sku: 'TEA-1', name: 'Longjing 250 g' }],
      customer: { email: 'mei@example.com', name: 'Zhang Mei', phone: '+86 139 8765 4321' },
      addresses: { home: { name: 'Zhang Mei', line1: '1266 Nanjing West Road', city: 'Shanghai' } },
      buyerIdentity: { name: 'Zhang Mei', idNumber: '11010519491231002X' },
      contact: { name: 'Zhang Mei' },
      note: 'call before noon',
      key: 'sk_live_x',
    };
    expect(withoutPersonalData(body, 'compliance')).toEqual({
      name: 'No COD to Tibet',
      scope: { country: 'CN', province: 'Xizang' },
      lines: [{ sku: 'TEA-1', name: 'Longjing 250 g' }],
      customer: { email: REDACTED, name: REDACTED, phone: REDACTED },
      addresses: { home: { name: REDACTED, line1: REDACTED, city: 'Shanghai' } },
      buyerIdentity: { name: REDACTED, idNumber: REDACTED },
      contact: { name: REDACTED },
      note: REDACTED,
      key: REDACTED,
    });
  });

  it('takes a name beside a contact, or anywhere in a record about a customer, for a person’s', () => {
    expect(withoutPersonalData({ name: 'Zhang Mei', email: 'mei@example.com' })).toEqual({
      name: REDACTED,
      email: REDACTED,
    });
    expect(withoutPersonalData({ body: { name: 'Zhang Mei', tags: ['vip'] } }, 'customers')).toEqual({
      body: { name: REDACTED, tags: ['vip'] },
    });
    expect(withoutPersonalData({ body: { name: 'Spring sale' } }, 'promotions')).toEqual({
      body: { name: 'Spring sale' },
    });
  });
});
