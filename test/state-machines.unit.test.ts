import { describe, expect, it } from 'vitest';
import {
  RETURN_ACTIONS,
  RETURN_STATUSES,
  RETURN_TRANSITIONS,
} from '../src/modules/aftersales/return-state.js';
import {
  SHIPMENT_ACTIONS,
  SHIPMENT_STATUSES,
  SHIPMENT_TRANSITIONS,
} from '../src/modules/fulfillment/shipment-state.js';
import {
  INITIAL_STATUSES,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
} from '../src/modules/orders/order-state.js';
import {
  PAYMENT_ACTIONS,
  PAYMENT_INTENT_STATUSES,
  PAYMENT_TRANSITIONS,
} from '../src/modules/payments/payment-state.js';
import {
  assertStateTransition,
  checkStateTransition,
  reachableStates,
  type Transition,
  terminalStates,
} from '../src/platform/state-machine.js';

type Subject = { status: string } & Record<string, unknown>;

interface Machine {
  what: string;
  statuses: readonly string[];
  initial: readonly string[];
  terminal: string[];
  actions: readonly string[];
  table: Record<string, Transition<string, Subject>>;
  /** The rest of a subject, besides its status, that the guards read (the most permissive). */
  rest: Record<string, unknown>;
}

// Every state machine of OrderSync, run by the one engine (platform/state-machine.ts).
const machines: Machine[] = [
  {
    what: 'order',
    statuses: ORDER_STATUSES,
    initial: INITIAL_STATUSES,
    terminal: ['cancelled', 'closed'],
    actions: ORDER_ACTIONS,
    table: ORDER_TRANSITIONS as unknown as Machine['table'],
    rest: { payment_status: 'refunded' },
  },
  {
    what: 'payment',
    statuses: PAYMENT_INTENT_STATUSES,
    initial: ['pending'],
    terminal: ['refunded'],
    actions: PAYMENT_ACTIONS,
    table: PAYMENT_TRANSITIONS as unknown as Machine['table'],
    rest: {},
  },
  {
    what: 'shipment',
    statuses: SHIPMENT_STATUSES,
    initial: ['pending'],
    terminal: ['delivered', 'returned_to_sender'],
    actions: SHIPMENT_ACTIONS,
    table: SHIPMENT_TRANSITIONS as unknown as Machine['table'],
    rest: {},
  },
  {
    what: 'return',
    statuses: RETURN_STATUSES,
    initial: ['requested'],
    terminal: ['exchanged', 'refunded', 'rejected'],
    actions: RETURN_ACTIONS,
    table: RETURN_TRANSITIONS as unknown as Machine['table'],
    rest: { type: 'return_refund' },
  },
];

describe.each(machines)('the $what state machine', (m) => {
  const check = (status: string, action: string) =>
    checkStateTransition(m.what, m.table, { ...m.rest, status }, action);

  it('has a transition for every action, between known states', () => {
    expect(Object.keys(m.table).sort()).toEqual([...m.actions].sort());
    for (const t of Object.values(m.table)) {
      for (const s of [...t.from, t.to]) expect(m.statuses).toContain(s);
    }
  });

  it('reaches every state from its initial ones', () => {
    expect([...reachableStates(m.initial, m.table)].sort()).toEqual([...m.statuses].sort());
  });

  it('has exactly its terminal states, with no exits', () => {
    expect(terminalStates(m.statuses, m.table).sort()).toEqual(m.terminal);
    for (const status of m.terminal)
      for (const action of m.actions) expect(check(status, action).ok).toBe(false);
  });

  it('refuses an action from a state it does not leave, as a 409 naming the current state', () => {
    for (const [action, t] of Object.entries(m.table)) {
      const status = m.statuses.find((s) => !t.from.includes(s))!;
      expect(check(status, action)).toEqual({
        ok: false,
        reason: `cannot ${action.replaceAll('_', ' ')} ${/^[aeiou]/.test(m.what) ? 'an' : 'a'} ${m.what} that is ${status}`,
      });
      expect(() => assertStateTransition(m.what, m.table, { ...m.rest, status }, action)).toThrow(
        expect.objectContaining({ code: 'illegal_transition', extra: { currentStatus: status } }),
      );
    }
  });
});
