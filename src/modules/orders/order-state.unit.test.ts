import { describe, expect, it } from 'vitest';
import {
  checkTransition,
  INITIAL_STATUSES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  type OrderStatus,
  TERMINAL_STATUSES,
} from './order-state.js';

describe('order state machine', () => {
  it('reaches every state from the initial ones', () => {
    const seen = new Set<OrderStatus>(INITIAL_STATUSES);
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of Object.values(ORDER_TRANSITIONS)) {
        if (t.from.some((s) => seen.has(s)) && !seen.has(t.to)) {
          seen.add(t.to);
          changed = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  it('has exactly cancelled and closed as terminal states, with no exits', () => {
    expect([...TERMINAL_STATUSES].sort()).toEqual(['cancelled', 'closed']);
    for (const status of TERMINAL_STATUSES) {
      for (const action of ORDER_ACTIONS) {
        expect(checkTransition({ status, payment_status: 'refunded' }, action).ok).toBe(false);
      }
    }
  });

  it('refuses with the current state named', () => {
    const r = checkTransition({ status: 'shipped', payment_status: 'paid' }, 'cancel');
    expect(r).toEqual({ ok: false, reason: 'cannot cancel an order that is shipped' });
  });

  it('guards closing on a full refund', () => {
    expect(checkTransition({ status: 'delivered', payment_status: 'partially_refunded' }, 'close').ok).toBe(
      false,
    );
    expect(checkTransition({ status: 'delivered', payment_status: 'refunded' }, 'close')).toEqual({
      ok: true,
      to: 'closed',
    });
  });

  it('lets cash-on-delivery orders ship without payment and online ones only once paid', () => {
    expect(checkTransition({ status: 'placed', payment_status: 'unpaid' }, 'ship').ok).toBe(true);
    expect(checkTransition({ status: 'pending_payment', payment_status: 'unpaid' }, 'ship').ok).toBe(false);
  });
});
