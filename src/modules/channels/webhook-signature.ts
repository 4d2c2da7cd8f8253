import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64(HMAC-SHA256(secret, body)): Shopify's X-Shopify-Hmac-Sha256 and WooCommerce's X-WC-Webhook-Signature. */
export function hmacSha256Base64(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * Whether `given` is the body's signature, compared in constant time (over the digests, so that
 * neither the length nor the first differing byte of a guess shows in the timing).
 */
export function signatureMatches(given: string | undefined, secret: string, body: string | Buffer): boolean {
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const presented = Buffer.from(given, 'base64');
  if (presented.length !== expected.length) return false;
  return timingSafeEqual(presented, expected);
}
