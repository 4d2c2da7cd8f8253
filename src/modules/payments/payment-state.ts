import {
  assertStateTransition,
  checkStateTransition,
  type Transition,
  type TransitionTable,
  terminalStates,
} from '../../platform/state-machine.js';

/** A payment intent's life cycle; the order's paymentStatus follows from its intents. */
export const PAYMENT_INTENT_STATUSES = [
  'pending',
  'authorized',
  'paid',
  'failed',
  'cancelled',
  'partially_refunded',
  'refunded',
  'held',
] as const;
export type PaymentIntentStatus = (typeof PAYMENT_INTENT_STATUSES)[number];

export const PAYMENT_ACTIONS = [
  'authorize',
  'capture',
  'succeed',
  'fail',
  'cancel',
  'accept_late',
  'recover',
  'refund_partially',
  'refund_fully',
  'hold',
  'accept_held',
] as const;
export type PaymentAction = (typeof PAYMENT_ACTIONS)[number];

export interface PaymentSubject {
  status: PaymentIntentStatus;
}

export const PAYMENT_TRANSITIONS = {
  authorize: { from: ['pending'], to: 'authorized' },
  capture: { from: ['authorized'], to: 'paid' },
  succeed: { from: ['pending'], to: 'paid' },
  fail: { from: ['pending', 'authorized'], to: 'failed' },
  cancel: { from: ['pending', 'authorized'], to: 'cancelled' },
  // The provider took the buyer's money after the order was cancelled, or after the intent failed (a
  // declined attempt the buyer then paid, a create call that timed out here but went through there)
  // when the order no longer waits for it: recorded as paid, and the same transaction gives it back.
  // So neither a cancelled nor a failed intent is quite the end.
  accept_late: { from: ['cancelled', 'failed'], to: 'paid' },
  // The provider reports money for a failed intent while its order still waits for it: it pays the order.
  recover: { from: ['failed'], to: 'paid' },
  refund_partially: { from: ['paid', 'partially_refunded'], to: 'partially_refunded' },
  refund_fully: { from: ['paid', 'partially_refunded'], to: 'refunded' },
  // The provider took money that does not match the intent: recorded, and the order waits for an
  // operator, who accepts it (paid) or gives it back (paid, then refunded in the same transaction).
  hold: { from: ['pending', 'authorized', 'cancelled'], to: 'held' },
  accept_held: { from: ['held'], to: 'paid' },
} as const satisfies TransitionTable<PaymentIntentStatus, PaymentAction, PaymentSubject>;

export const PAYMENT_TERMINAL_STATUSES = terminalStates(
  PAYMENT_INTENT_STATUSES,
  PAYMENT_TRANSITIONS as Record<string, Transition<PaymentIntentStatus, never>>,
);

/** Whether `action` may be taken now, and where it leads; for callers that branch on a refusal. */
export const checkPaymentTransition = (payment: PaymentSubject, action: PaymentAction) =>
  checkStateTransition('payment', PAYMENT_TRANSITIONS, payment, action);

export const assertPaymentTransition = (payment: PaymentSubject, action: PaymentAction) =>
  assertStateTransition('payment', PAYMENT_TRANSITIONS, payment, action);
