import { describe, expect, it } from 'vitest';
import { checkStateTransition } from '../../platform/state-machine.js';
import { fromDecimal, toDecimal } from './money-format.js';
import {
  PAYMENT_ACTIONS,
  PAYMENT_INTENT_STATUSES,
  PAYMENT_TRANSITIONS,
  type PaymentIntentStatus,
} from './payment-state.js';

// Reachability, terminal states and refusals of every machine: test/state-machines.unit.test.ts.

describe('payment state machine', () => {
  it('takes late money on a cancelled or failed intent, and recovers only a failed one', () => {
    const from = (action: 'accept_late' | 'recover') =>
      PAYMENT_INTENT_STATUSES.filter(
        (status) => checkStateTransition('payment', PAYMENT_TRANSITIONS, { status }, action).ok,
      ).sort();
    expect(from('accept_late')).toEqual(['cancelled', 'failed']);
    expect(from('recover')).toEqual(['failed']);
    expect(checkStateTransition('payment', PAYMENT_TRANSITIONS, { status: 'failed' }, 'recover')).toEqual({
      ok: true,
      to: 'paid',
    });
  });
});

describe('held money (an amount that did not match)', () => {
  const can = (status: PaymentIntentStatus, action: (typeof PAYMENT_ACTIONS)[number]) =>
    checkStateTransition('payment', PAYMENT_TRANSITIONS, { status }, action).ok;

  it('is held from an intent that has not counted money yet, and leaves only by an operator accepting it', () => {
    expect(PAYMENT_INTENT_STATUSES.filter((s) => can(s, 'hold')).sort()).toEqual([
      'authorized',
      'cancelled',
      'pending',
    ]);
    expect(PAYMENT_ACTIONS.filter((a) => can('held', a))).toEqual(['accept_held']);
  });
});

describe('provider amounts', () => {
  it('converts between minor units and decimal strings without floats', () => {
    expect(toDecimal(12850, 'CNY')).toBe('128.50');
    expect(toDecimal(5, 'CNY')).toBe('0.05');
    expect(toDecimal(500, 'JPY')).toBe('500');
    expect(fromDecimal('0.10', 'CNY')).toBe(10);
    expect(fromDecimal('128.5', 'CNY')).toBe(12850);
    expect(fromDecimal('1.005', 'CNY')).toBeUndefined();
    expect(fromDecimal('1e3', 'CNY')).toBeUndefined();
  });
});
