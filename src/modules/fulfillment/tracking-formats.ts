import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { AppError } from '../../platform/errors.js';
import { parseAs } from '../../platform/http/validation.js';
import { ownValue } from '../../platform/own-value.js';
import { carrierByKuaidi100 } from './carriers.js';
import { TRACKING_STATUSES, type TrackingStatus } from './shipment-state.js';

const KNOWN_STATUSES: ReadonlySet<string> = new Set(TRACKING_STATUSES);

/** One carrier event, whatever format it came in. */
export interface TrackingEventInput {
  time: Date;
  status: TrackingStatus;
  carrierStatus: string | null;
  description: string;
  location: string | null;
  /** Same event, same key: the push twice adds nothing. */
  dedupeKey: string;
}

export interface TrackingPush {
  carrier: string | undefined;
  trackingNumber: string;
  events: TrackingEventInput[];
}

/**
 * A receiver without its secret can verify nothing, so it accepts nothing; the answer names the
 * setting, and the operator's way to deliver meanwhile.
 */
const notConfigured = (setting: string, what: string) =>
  new AppError(
    'unauthorized',
    `This server cannot verify ${what}: ${setting} is not set. Set it to the secret agreed with the carrier, or mark shipments delivered with POST /v1/shipments/{id}/deliver.`,
    { setting },
  );

const sameBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
const keyOf = (...parts: string[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);

// Kuaidi100's per-event status words, sent only to subscriptions with `resultv2`.
const KUAIDI100_STATUS: Record<string, TrackingStatus> = {
  揽收: 'info',
  在途: 'in_transit',
  派件: 'out_for_delivery',
  签收: 'delivered',
  疑难: 'exception',
  拒签: 'exception',
  退签: 'returned_to_sender',
  退回: 'returned_to_sender',
  转投: 'in_transit',
  清关: 'in_transit',
};

// Kuaidi100's state codes (lastResult.state, and each event's statusCode with resultv2=4): 0 in
// transit, 1 picked up, 2 problem, 3 signed for, 4 refused and returned, 5 out for delivery, 6 sent
// back, 7 forwarded, 8 and 10-12 customs, 13 customs problem, 14 refused.
const KUAIDI100_STATE: Record<number, TrackingStatus> = {
  0: 'in_transit',
  1: 'info',
  2: 'exception',
  3: 'delivered',
  4: 'returned_to_sender',
  5: 'out_for_delivery',
  6: 'returned_to_sender',
  7: 'in_transit',
  8: 'in_transit',
  10: 'in_transit',
  11: 'in_transit',
  12: 'in_transit',
  13: 'exception',
  14: 'exception',
};

/** A state code; resultv2's finer codes keep their class in the hundreds (301 = signed by the buyer). */
function kuaidi100State(code: unknown): TrackingStatus | undefined {
  const n = Number(code);
  if (code === undefined || code === null || code === '' || !Number.isInteger(n) || n < 0) return undefined;
  return KUAIDI100_STATE[n >= 100 ? Math.floor(n / 100) : n];
}

/** Kuaidi100 times are China Standard Time without a zone: "2012-08-28 16:33:19". */
function chinaTime(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new AppError('validation_failed', `Not a Kuaidi100 time: ${text}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
}

/**
 * The most events one push may carry: a parcel's whole history is tens. The bound keeps one push a
 * bounded insert (10,000 events overflowed PostgreSQL's 65,535 statement parameters).
 */
const MAX_PUSH_EVENTS = 1000;
const Text = (maxLength: number) => Type.String({ maxLength });

// Outside parties' formats: the fields used are checked; fields they add are theirs to add.
const Kuaidi100Event = Type.Object(
  {
    time: Text(32),
    ftime: Type.Optional(Text(32)),
    context: Text(1000),
    status: Type.Optional(Text(16)),
    statusCode: Type.Optional(Text(8)),
    areaName: Type.Optional(Text(200)),
  },
  { additionalProperties: true },
);
type Kuaidi100Event = Static<typeof Kuaidi100Event>;

const Kuaidi100LastResult = Type.Object(
  {
    nu: Type.String({ minLength: 1, maxLength: 64 }),
    com: Text(32),
    state: Type.Optional(Text(8)),
    /** "1" once the parcel is signed for (tracking is over). */
    ischeck: Type.Optional(Text(8)),
    data: Type.Array(Kuaidi100Event, { maxItems: MAX_PUSH_EVENTS }),
  },
  { additionalProperties: true },
);

/** What one event says: its own status word or code (resultv2), else nothing more than history. */
const eventStatus = (d: Kuaidi100Event): TrackingStatus | undefined =>
  ownValue(KUAIDI100_STATUS, d.status ?? '') ?? kuaidi100State(d.statusCode);

/**
 * The `lastResult` of a Kuaidi100 push as tracking events (its data lists the newest first). Without
 * `resultv2` the events carry no status: the parcel's state is then `lastResult.state` (and
 * `ischeck` = "1", signed for), which describes the newest event. Each event's dedupe key is its time
 * and text only, so the same event pushed with and without a status is stored once.
 */
export function parseKuaidi100LastResult(input: unknown): TrackingPush {
  const last = parseAs(Kuaidi100LastResult, input, 'param.lastResult');
  const parcel = last.ischeck === '1' ? 'delivered' : kuaidi100State(last.state);
  const events = last.data.map((d, i) => {
    const own = eventStatus(d);
    // The parcel's state wins for the newest event when it says signed for: a resultv2 word may lag.
    const status = i === 0 && parcel && (!own || parcel === 'delivered') ? parcel : (own ?? 'info');
    return {
      time: chinaTime(d.ftime ?? d.time),
      status,
      carrierStatus: d.status ?? d.statusCode ?? (i === 0 && last.state ? `state:${last.state}` : null),
      description: d.context.trim(),
      location: typeof d.areaName === 'string' ? d.areaName : null,
      dedupeKey: keyOf(d.ftime ?? d.time, d.context.trim()),
    };
  });
  return { carrier: carrierByKuaidi100(last.com)?.code, trackingNumber: last.nu, events: events.reverse() };
}

/**
 * A Kuaidi100 subscription push: form fields `param` (JSON) and `sign` = uppercase
 * hex(MD5(param + salt)). A wrong sign is a 401 before the JSON is read.
 */
export function parseKuaidi100Push(body: string, salt: string | undefined): TrackingPush {
  const form = new URLSearchParams(body);
  const param = form.get('param');
  const sign = (form.get('sign') ?? '').toUpperCase();
  if (!salt) throw notConfigured('KUAIDI100_SALT', 'Kuaidi100 pushes');
  if (!param) throw new AppError('unauthorized', 'The push is not signed for this receiver');
  const expected = createHash('md5')
    .update(param + salt, 'utf8')
    .digest('hex')
    .toUpperCase();
  if (!sameBytes(Buffer.from(sign), Buffer.from(expected))) {
    throw new AppError('unauthorized', 'The Kuaidi100 sign does not match the param');
  }
  let parsed: { lastResult?: unknown };
  try {
    parsed = JSON.parse(param);
  } catch {
    throw new AppError('validation_failed', 'The Kuaidi100 param is not JSON');
  }
  return parseKuaidi100LastResult(parsed?.lastResult);
}

export const signKuaidi100 = (param: string, salt: string) =>
  createHash('md5')
    .update(param + salt, 'utf8')
    .digest('hex')
    .toUpperCase();

/** The generic format's signature: `X-Carrier-Signature: t=<unix>,v1=hex(HMAC-SHA256(secret, t.body))`. */
export function signGenericPush(secret: string, body: string, now = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const GenericPush = Type.Object(
  {
    trackingNumber: Type.String({ minLength: 1, maxLength: 64 }),
    events: Type.Array(
      Type.Object(
        {
          id: Type.Optional(Text(100)),
          time: Text(64),
          status: Text(32),
          description: Text(1000),
          location: Type.Optional(Text(200)),
        },
        { additionalProperties: true },
      ),
      { maxItems: MAX_PUSH_EVENTS },
    ),
  },
  { additionalProperties: true },
);

/** The generic signed JSON format, for carriers that push directly. Timestamps within 5 minutes. */
export function parseGenericPush(
  body: string,
  header: string | undefined,
  secret: string | undefined,
  now: Date,
): TrackingPush {
  const parts = new Map(
    String(header ?? '')
      .split(',')
      .map((p) => p.split('=', 2) as [string, string]),
  );
  const t = Number(parts.get('t'));
  if (!secret) throw notConfigured('CARRIER_PUSH_SECRET', 'signed carrier pushes');
  if (!Number.isFinite(t)) throw new AppError('unauthorized', 'Send X-Carrier-Signature: t=…,v1=…');
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  if (!sameBytes(Buffer.from(parts.get('v1') ?? '', 'hex'), expected)) {
    throw new AppError('unauthorized', 'X-Carrier-Signature does not match the body');
  }
  if (Math.abs(now.getTime() / 1000 - t) > 300)
    throw new AppError('unauthorized', 'X-Carrier-Signature is too old');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AppError('validation_failed', 'The push is not JSON');
  }
  const push = parseAs(GenericPush, parsed, 'body');
  const events = push.events.map((e, i) => {
    const time = new Date(e.time);
    if (Number.isNaN(time.getTime()) || !KNOWN_STATUSES.has(e.status)) {
      throw new AppError(
        'validation_failed',
        `events[${i}] needs time (ISO 8601), a known status and description`,
      );
    }
    return {
      time,
      status: e.status as TrackingStatus,
      carrierStatus: e.status,
      description: e.description,
      location: e.location ?? null,
      dedupeKey: e.id ? `id:${e.id}`.slice(0, 100) : keyOf(time.toISOString(), e.status, e.description),
    };
  });
  return {
    carrier: undefined,
    trackingNumber: push.trackingNumber,
    events: events.sort((a, b) => a.time.getTime() - b.time.getTime()),
  };
}
