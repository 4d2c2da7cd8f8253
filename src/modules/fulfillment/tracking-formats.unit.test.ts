import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseGenericPush,
  parseKuaidi100LastResult,
  parseKuaidi100Push,
  signGenericPush,
  signKuaidi100,
} from './tracking-formats.js';

const lastResult = JSON.parse(
  fs.readFileSync(
    new URL('../../../test/fixtures/kuaidi100-push-lastResult.doc-example.json', import.meta.url),
    'utf8',
  ),
);

describe('tracking push formats', () => {
  it("parses Kuaidi100's documented lastResult into events, oldest first, in China time", () => {
    const push = parseKuaidi100LastResult(lastResult);
    expect(push).toMatchObject({ carrier: 'yto', trackingNumber: 'V030344422' });
    expect(push.events.map((e) => [e.time.toISOString(), e.status, e.description, e.location])).toEqual([
      ['2012-08-27T15:22:42.000Z', 'in_transit', '上海分拨中心/下车扫描', '上海市'],
      ['2012-08-28T08:33:19.000Z', 'in_transit', '上海分拨中心/装件入车扫描', '上海市'],
    ]);
    expect(new Set(push.events.map((e) => e.dedupeKey)).size).toBe(2);
    expect(parseKuaidi100LastResult(lastResult).events.map((e) => e.dedupeKey)).toEqual(
      push.events.map((e) => e.dedupeKey),
    );
  });

  it('checks the Kuaidi100 sign: uppercase MD5 of param + salt', () => {
    const param = JSON.stringify({ status: 'polling', billstatus: 'got', message: '', lastResult });
    const body = new URLSearchParams({ param, sign: signKuaidi100(param, 'salt') }).toString();
    expect(parseKuaidi100Push(body, 'salt').events).toHaveLength(2);
    expect(() => parseKuaidi100Push(body, 'other salt')).toThrow(/sign/);
    const tampered = new URLSearchParams({
      param: param.replace('V030344422', 'V030344423'),
      sign: signKuaidi100(param, 'salt'),
    });
    expect(() => parseKuaidi100Push(tampered.toString(), 'salt')).toThrow(/sign/);
    expect(() => parseKuaidi100Push(body, undefined)).toThrow(/not signed/);
  });

  it('checks the generic format: HMAC over t.body, within 5 minutes', () => {
    const body = JSON.stringify({
      trackingNumber: 'G-1',
      events: [
        { id: 'e1', time: '2026-11-22T08:00:00Z', status: 'delivered', description: 'Signed by the buyer' },
      ],
    });
    const now = new Date();
    expect(parseGenericPush(body, signGenericPush('s', body, now), 's', now).events[0]).toMatchObject({
      status: 'delivered',
      dedupeKey: 'id:e1',
    });
    expect(() => parseGenericPush(`${body} `, signGenericPush('s', body, now), 's', now)).toThrow(/match/);
    expect(() => parseGenericPush(body, signGenericPush('x', body, now), 's', now)).toThrow(/match/);
    const old = new Date(now.getTime() - 301_000);
    expect(() => parseGenericPush(body, signGenericPush('s', body, old), 's', now)).toThrow(/old/);
  });
});
