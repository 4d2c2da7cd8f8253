import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hmacSha256Base64, signatureMatches } from './webhook-signature.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));

describe('webhook signatures', () => {
  it("verifies Shopify's own HMAC vector, and nothing else", () => {
    const v = fixture('shopify-webhook-hmac-vector.php-test.json');
    const given = v.headers['X-Shopify-Hmac-Sha256'];
    expect(signatureMatches(given, v.apiSecretKey, v.rawBody)).toBe(true);
    expect(signatureMatches(given, v.apiSecretKey, `${v.rawBody} `)).toBe(false);
    expect(signatureMatches(given, `${v.apiSecretKey}x`, v.rawBody)).toBe(false);
    expect(signatureMatches(given.slice(0, -4), v.apiSecretKey, v.rawBody)).toBe(false);
    expect(signatureMatches(undefined, v.apiSecretKey, v.rawBody)).toBe(false);
  });

  it("computes WooCommerce core's signature vector", () => {
    const v = fixture('woocommerce-webhook-signature-vector.core-test.json');
    expect(hmacSha256Base64(v.secret, v.rawBody)).toBe(v.expectedXWcWebhookSignature);
    expect(signatureMatches(v.expectedXWcWebhookSignature, v.secret, v.rawBody)).toBe(true);
  });
});
