import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { AppError } from '../../../platform/errors.js';
import { parseAs } from '../../../platform/http/validation.js';
import { ownValue } from '../../../platform/own-value.js';
import type { CallbackInput, NoticeKind, PaymentProvider, ProviderNotice } from '../payment-provider.js';

/** The sandbox's simulated notification: JSON, signed like Stripe (`t=…,v1=hex(HMAC(t.body))`). */
const SandboxEvent = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    type: Type.String({ maxLength: 64, description: 'payment.succeeded, .authorized or .failed' }),
    paymentId: Type.String({ maxLength: 64 }),
    amount: Type.Integer({ minimum: 0 }),
    currency: Type.String({ maxLength: 8 }),
  },
  { additionalProperties: true },
);
export type SandboxEvent = Static<typeof SandboxEvent>;

const TOLERANCE_SECONDS = 300;

export function signSandboxEvent(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

function verify(secret: string, input: CallbackInput): void {
  const header = input.headers['sandbox-signature'];
  const parts = new Map(
    String(header ?? '')
      .split(',')
      .map((p) => p.split('=', 2) as [string, string]),
  );
  const t = Number(parts.get('t'));
  const given = Buffer.from(parts.get('v1') ?? '', 'hex');
  const expected = createHmac('sha256', secret).update(`${t}.${input.body}`).digest();
  if (!Number.isFinite(t) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('unauthorized', 'The Sandbox-Signature does not match the body');
  }
  if (Math.abs(input.now.getTime() / 1000 - t) > TOLERANCE_SECONDS) {
    throw new AppError('unauthorized', 'The Sandbox-Signature timestamp is too old');
  }
}

const KINDS = {
  'payment.succeeded': 'paid',
  'payment.authorized': 'authorized',
  'payment.failed': 'failed',
} as const;

/** Demo and tests: a pay link, signed simulated callbacks, refunds that need nobody. */
export function sandboxProvider(secret: string, publicUrl: string): PaymentProvider {
  return {
    name: 'sandbox',
    local: true,
    async create(intent) {
      return {
        providerRef: `sbx_${intent.id.replaceAll('-', '').slice(-20)}`,
        action: { type: 'redirect', url: `${publicUrl}/v1/payments/${intent.id}/pay` },
      };
    },
    parseCallback(input): ProviderNotice {
      verify(secret, input);
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.body);
      } catch {
        throw new AppError('validation_failed', 'The sandbox event is not JSON');
      }
      const event = parseAs(SandboxEvent, parsed, 'body');
      const kind = ownValue<NoticeKind>(KINDS, event.type) ?? 'ignored';
      return {
        messageId: event.id,
        kind,
        paymentId: event.paymentId,
        amount: event.amount,
        currency: event.currency,
        providerTradeNo: `sbx_${event.paymentId.replaceAll('-', '').slice(-20)}`,
        payload: event,
      };
    },
    acknowledgement: { status: 200, type: 'application/json', body: '{"received":true}' },
    async refund(_payment, refund) {
      return { status: 'succeeded', providerRef: `sbx_rf_${refund.id.replaceAll('-', '').slice(-16)}` };
    },
  };
}
