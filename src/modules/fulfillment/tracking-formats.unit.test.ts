import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CARRIERS, trackingFormatHint } from './carriers.js';
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
    expect(() => parseKuaidi100Push(body, undefined)).toThrow(/KUAIDI100_SALT is not set/);
  });

  describe('a Kuaidi100 push signed with a salt made for the test', () => {
    const salt = randomBytes(16).toString('hex');
    const push = (last: object) => {
      const param = JSON.stringify({ status: 'polling', billstatus: 'check', message: '', lastResult: last });
      return new URLSearchParams({ param, sign: signKuaidi100(param, salt) }).toString();
    };
    const signed = {
      time: '2026-11-22 18:05:00',
      ftime: '2026-11-22 18:05:00',
      context: '已签收，签收人：本人，感谢使用圆通速递',
    };
    const moving = {
      time: '2026-11-22 09:00:00',
      ftime: '2026-11-22 09:00:00',
      context: '上海分拨中心/下车扫描',
    };

    it('without resultv2 (no per-event status), takes the newest event’s status from state and ischeck', () => {
      const base = { message: 'ok', status: '200', condition: 'F00', com: 'yuantong', nu: 'YT9000000001' };
      const delivered = parseKuaidi100Push(
        push({ ...base, state: '3', ischeck: '1', data: [signed, moving] }),
        salt,
      );
      expect(delivered.events.map((e) => [e.status, e.carrierStatus])).toEqual([
        ['info', null],
        ['delivered', 'state:3'],
      ]);
      // ischeck alone says signed for
      const checked = parseKuaidi100Push(push({ ...base, ischeck: '1', data: [signed, moving] }), salt);
      expect(checked.events.at(-1)!.status).toBe('delivered');
      // a parcel out for delivery (5), with a problem (2), refused and coming back (4)
      for (const [state, status] of [
        ['0', 'in_transit'],
        ['5', 'out_for_delivery'],
        ['2', 'exception'],
        ['4', 'returned_to_sender'],
        ['301', 'delivered'],
      ]) {
        const parsed = parseKuaidi100Push(push({ ...base, state, ischeck: '0', data: [moving] }), salt);
        expect(parsed.events[0]!.status, `state ${state}`).toBe(status);
      }
      // the same event with and without a status is the same event
      expect(delivered.events[1]!.dedupeKey).toBe(
        parseKuaidi100Push(push({ ...base, state: '3', data: [{ ...signed, status: '签收' }] }), salt)
          .events[0]!.dedupeKey,
      );
      expect(() => parseKuaidi100Push(push({ ...base, state: '3', data: [signed] }), 'another salt')).toThrow(
        /sign/,
      );
    });

    it('with resultv2, reads each event’s own status word or code', () => {
      const base = { message: 'ok', status: '200', condition: 'F00', com: 'shunfeng', nu: 'SF1234567890123' };
      const parsed = parseKuaidi100Push(
        push({
          ...base,
          state: '0',
          ischeck: '0',
          data: [
            { ...signed, status: '派件', areaName: '上海市' },
            { ...moving, statusCode: '1002', areaName: '上海市' },
            { ...moving, ftime: '2026-11-22 08:00:00', context: '已揽收', status: '揽收' },
          ],
        }),
        salt,
      );
      expect(parsed).toMatchObject({ carrier: 'sf', trackingNumber: 'SF1234567890123' });
      expect(parsed.events.map((e) => e.status)).toEqual(['info', 'in_transit', 'out_for_delivery']);
      // a status word that is a property every object inherits is no status
      const odd = parseKuaidi100Push(
        push({
          ...base,
          data: ['constructor', 'toString', '__proto__'].map((status) => ({ ...moving, status })),
        }),
        salt,
      );
      expect(odd.events.map((e) => e.status)).toEqual(['info', 'info', 'info']);
    });
  });

  it('describes every carrier’s tracking-number format, and each example fits its pattern', () => {
    for (const carrier of CARRIERS) {
      expect(carrier.trackingPattern.test(carrier.trackingExample), carrier.code).toBe(true);
      expect(trackingFormatHint(carrier)).toContain(carrier.trackingFormat);
    }
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
    expect(() => parseGenericPush(body, signGenericPush('s', body, now), undefined, now)).toThrow(
      /CARRIER_PUSH_SECRET is not set/,
    );
  });
});
