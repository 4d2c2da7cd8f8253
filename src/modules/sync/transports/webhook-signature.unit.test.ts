import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, SECRET_PATTERN, signatureHeaders } from './webhook-signature.js';

describe('Standard Webhooks signatures', () => {
  it('generates whsec_ secrets', () => {
    const secret = generateSecret();
    expect(secret).toMatch(new RegExp(SECRET_PATTERN));
    expect(generateSecret()).not.toBe(secret);
  });

  it('signs so that the standardwebhooks package verifies, with either secret during a rotation', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const body = JSON.stringify({ specversion: '1.0', id: 'evt-1', data: { a: 1 } });
    const headers = signatureHeaders('evt-1', body, [current, previous]);
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    const at = new Date(Number(headers['webhook-timestamp']) * 1000);
    expect(headers['webhook-signature'].split(' ')[0]).toBe(new Webhook(current).sign('evt-1', at, body));
    expect(new Webhook(current).verify(body, headers)).toMatchObject({ id: 'evt-1' });
    expect(new Webhook(previous).verify(body, headers)).toMatchObject({ id: 'evt-1' });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});
