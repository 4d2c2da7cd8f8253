import { describe, expect, it } from 'vitest';
import { ERASED, Scrubber } from './personal-values.js';

const scrubber = new Scrubber({
  texts: ['Mei.Zhang@example.org', 'Zhang Mei', '1266 Nanjing West Road', '+86 139 8765 4321'],
  phones: ['+86 139 8765 4321'],
});

describe('scrubbing one customer out of copies', () => {
  it('replaces their values in any case and their phone in any spelling, and nothing else', () => {
    expect(scrubber.text('Signed by ZHANG MEI at 1266 nanjing west road')).toBe(
      `Signed by ${ERASED} at ${ERASED}`,
    );
    for (const phone of ['13987654321', '+8613987654321', '139-8765-4321', '(+86) 139 8765 4321'])
      expect(scrubber.text(`call ${phone} now`)).toBe(`call ${ERASED} now`);
    const plain = 'order SO-20261205-000123 of 129900 fen on 2026-12-05, call 13800138000';
    expect(scrubber.text(plain)).toBe(plain);
  });

  it('erases personal fields of JSON by name, and leaves a business document’s names with jsonValues', () => {
    expect(
      scrubber.json({
        customer: { email: 'x@y.cn', first_name: 'Mei', id: 7 },
        note: 'for Zhang Mei',
        total: 5,
      }),
    ).toEqual({ customer: { email: ERASED, first_name: ERASED, id: 7 }, note: `for ${ERASED}`, total: 5 });
    expect(scrubber.jsonValues({ promotions: [{ name: 'Double 12', buyer: 'Zhang Mei' }] })).toEqual({
      promotions: [{ name: 'Double 12', buyer: ERASED }],
    });
    expect(scrubber.jsonText('{"email":"a@b.cn"}')).toBe(`{"email":"${ERASED}"}`);
    expect(scrubber.jsonText('not json, Zhang Mei')).toBe(`not json, ${ERASED}`);
  });
});
