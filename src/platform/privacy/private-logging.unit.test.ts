import { describe, expect, it } from 'vitest';
import { scrubLogObject, scrubText } from './private-logging.js';

describe('private logging', () => {
  it('masks e-mails, phones and personal query parameters but not dates, amounts or ids', () => {
    expect(scrubText('Key (email)=(a.b@example.com) already exists')).toBe(
      'Key (email)=([email]) already exists',
    );
    expect(scrubText('call +86 138 0013 8000 now')).toBe('call [phone] now');
    expect(scrubText('/v1/orders?email=x%40y.cn&status=paid')).toBe(
      '/v1/orders?email=[redacted]&status=paid',
    );
    const plain =
      'at 2026-12-05 22:30 order SO-20261205-000123 of 129900 fen, id 0193a6f1-7c2e-7000-8000-000000000001';
    expect(scrubText(plain)).toBe(plain);
  });

  it('redacts personal and secret fields at any depth and leaves the rest', () => {
    expect(
      scrubLogObject({
        order: { id: 'o1', customer: { email: 'a@b.cn', name: 'Li' }, lines: [{ sku: 'S', phone: '1' }] },
        key: 'osk_1',
      }),
    ).toEqual({
      order: {
        id: 'o1',
        customer: { email: '[redacted]', name: '[redacted]' },
        lines: [{ sku: 'S', phone: '[redacted]' }],
      },
      key: '[redacted]',
    });
  });
});
