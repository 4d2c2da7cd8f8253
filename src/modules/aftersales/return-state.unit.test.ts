import { describe, expect, it } from 'vitest';
import { checkStateTransition } from '../../platform/state-machine.js';
import { assertWithinWindow, shippingRefund } from './return-rules.js';
import {
  type RETURN_ACTIONS,
  RETURN_TRANSITIONS,
  type RETURN_TYPES,
  type ReturnStatus,
} from './return-state.js';

// Reachability, terminal states and refusals of every machine: test/state-machines.unit.test.ts.

describe('return state machine', () => {
  it('settles each type its own way', () => {
    const check = (
      status: ReturnStatus,
      type: (typeof RETURN_TYPES)[number],
      action: (typeof RETURN_ACTIONS)[number],
    ) => checkStateTransition('return', RETURN_TRANSITIONS, { status, type }, action).ok;
    expect(check('approved', 'refund_only', 'refund')).toBe(true);
    expect(check('approved', 'return_refund', 'refund')).toBe(false);
    expect(check('received', 'return_refund', 'refund')).toBe(true);
    expect(check('received', 'exchange', 'refund')).toBe(false);
    expect(check('received', 'exchange', 'exchange')).toBe(true);
    expect(check('approved', 'refund_only', 'receive')).toBe(false);
  });
});

describe('return rules', () => {
  const delivered = new Date('2026-11-01T00:00:00Z');
  const rule = { region: '*', reasonGroup: 'change_of_mind' as const, windowDays: 7 };

  it('allows a change of mind for 7 days after delivery and names the rule past that', () => {
    expect(() =>
      assertWithinWindow(rule, 'no_longer_needed', delivered, new Date('2026-11-08T00:00:00Z')),
    ).not.toThrow();
    try {
      assertWithinWindow(rule, 'no_longer_needed', delivered, new Date('2026-11-08T00:00:01Z'));
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'unprocessable',
        extra: { rule: { name: '*/change_of_mind', windowDays: 7 } },
      });
    }
  });

  it('gives shipping back only for seller faults covering everything, or when nothing ships', () => {
    const base = {
      reason: 'defective' as const,
      beforeShipment: false,
      coversEverything: true,
      nothingShipped: false,
      orderShipping: 1000,
      alreadyRefunded: 0,
    };
    expect(shippingRefund(base)).toBe(1000);
    expect(shippingRefund({ ...base, reason: 'no_longer_needed' })).toBe(0);
    expect(shippingRefund({ ...base, coversEverything: false })).toBe(0);
    expect(shippingRefund({ ...base, alreadyRefunded: 1000 })).toBe(0);
    expect(
      shippingRefund({ ...base, reason: 'no_longer_needed', beforeShipment: true, nothingShipped: true }),
    ).toBe(1000);
    expect(shippingRefund({ ...base, beforeShipment: true, nothingShipped: false })).toBe(0);
  });
});
