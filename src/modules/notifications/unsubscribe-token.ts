import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What an unsubscribe link switches off: one category of one customer, by the channel the link came
 * with (an e-mail's link stops e-mails). Links made before channels were named carry none: they
 * switch the category off on every channel, as they promised then.
 */
export interface UnsubscribeClaim {
  customerKey: string;
  category: string;
  channel?: string;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest();

/** A token the link carries, so that it works without logging in: the claim and its HMAC-SHA256. */
export function signUnsubscribe(secret: string, claim: UnsubscribeClaim): string {
  const fields = [claim.customerKey, claim.category, ...(claim.channel ? [claim.channel] : [])];
  const payload = b64(JSON.stringify(fields));
  return `${payload}.${b64(mac(secret, payload))}`;
}

const isText = (v: unknown): v is string => typeof v === 'string';

/** The claim of a genuine token, or null (forged, altered, malformed). */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeClaim | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!Array.isArray(fields) || fields.length < 2 || fields.length > 3 || !fields.every(isText))
      return null;
    const [customerKey, category, channel] = fields as string[];
    return { customerKey: customerKey!, category: category!, ...(channel ? { channel } : {}) };
  } catch {
    return null;
  }
}
