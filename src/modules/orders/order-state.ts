import {
  assertStateTransition,
  checkStateTransition,
  type Transition,
  type TransitionTable,
  terminalStates,
} from '../../platform/state-machine.js';

/**
 * The order life cycle as data (DESIGN.md §3), run by the platform's state-machine engine like
 * payments, shipments and returns: an action not allowed from the current state is a 409 naming it.
 */
export const ORDER_STATUSES = [
  'pending_payment',
  'placed',
  'paid',
  'partially_shipped',
  'shipped',
  'delivered',
  'completed',
  'cancelled',
  'closed',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['unpaid', 'authorized', 'paid', 'partially_refunded', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const FULFILLMENT_STATUSES = ['unfulfilled', 'partial', 'fulfilled', 'delivered'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

/** Where an order starts: online payment waits for money; cash on delivery ships first. */
export const INITIAL_STATUSES = ['pending_payment', 'placed'] as const satisfies readonly OrderStatus[];

export const ORDER_ACTIONS = [
  'pay',
  'ship_partially',
  'ship',
  'deliver',
  'complete',
  'cancel',
  'close',
  'owe',
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export interface TransitionSubject {
  status: OrderStatus;
  payment_status: PaymentStatus;
}

export const ORDER_TRANSITIONS = {
  pay: { from: ['pending_payment'], to: 'paid' },
  ship_partially: { from: ['paid', 'placed', 'partially_shipped'], to: 'partially_shipped' },
  ship: { from: ['paid', 'placed', 'partially_shipped'], to: 'shipped' },
  deliver: { from: ['shipped'], to: 'delivered' },
  complete: { from: ['delivered'], to: 'completed' },
  // Before anything left a warehouse: buyer, merchant or the unpaid-order timeout.
  cancel: { from: ['pending_payment', 'placed', 'paid'], to: 'cancelled' },
  close: {
    from: ['paid', 'partially_shipped', 'shipped', 'delivered', 'completed'],
    to: 'closed',
    guard: (o) => (o.payment_status === 'refunded' ? undefined : 'only a fully refunded order can be closed'),
  },
  // An edit before shipment raised the total past what was paid: the order waits for the difference
  // (and cannot ship) until it is paid like any other.
  owe: { from: ['paid'], to: 'pending_payment' },
} as const satisfies TransitionTable<OrderStatus, OrderAction, TransitionSubject>;

export const ORDER_TERMINAL_STATUSES = terminalStates(
  ORDER_STATUSES,
  ORDER_TRANSITIONS as Record<string, Transition<OrderStatus, never>>,
);

/** Whether `action` may be taken now, and where it leads; for callers that branch on a refusal. */
export const checkOrderTransition = (order: TransitionSubject, action: OrderAction) =>
  checkStateTransition('order', ORDER_TRANSITIONS, order, action);

/** The state `action` leads to, or the 409 naming the current state. */
export const assertOrderTransition = (order: TransitionSubject, action: OrderAction) =>
  assertStateTransition('order', ORDER_TRANSITIONS, order, action);
