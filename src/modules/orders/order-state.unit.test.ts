import { describe, expect, it } from 'vitest';
import { checkOrderTransition } from './order-state.js';

// Reachability, terminal states and refusals of every machine: test/state-machines.unit.test.ts.
describe('order state machine', () => {
  it('guards closing on a full refund', () => {
    expect(
      checkOrderTransition({ status: 'delivered', payment_status: 'partially_refunded' }, 'close').ok,
    ).toBe(false);
    expect(checkOrderTransition({ status: 'delivered', payment_status: 'refunded' }, 'close')).toEqual({
      ok: true,
      to: 'closed',
    });
  });

  it('lets cash-on-delivery orders ship without payment and online ones only once paid', () => {
    expect(checkOrderTransition({ status: 'placed', payment_status: 'unpaid' }, 'ship').ok).toBe(true);
    expect(checkOrderTransition({ status: 'pending_payment', payment_status: 'unpaid' }, 'ship').ok).toBe(
      false,
    );
  });

  it('refuses in the words the API answers with', () => {
    expect(checkOrderTransition({ status: 'shipped', payment_status: 'paid' }, 'cancel')).toEqual({
      ok: false,
      reason: 'cannot cancel an order that is shipped',
    });
  });
});
