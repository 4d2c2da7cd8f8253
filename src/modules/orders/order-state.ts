/**
 * The order life cycle as data (DESIGN.md §3). Every change of `orders.status` goes through
 * `checkTransition`; an action not allowed from the current state is a 409 naming that state.
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
] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

export interface TransitionSubject {
  status: OrderStatus;
  payment_status: PaymentStatus;
}

interface Transition {
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** Returns why the action is refused even though the state allows it. */
  guard?: (order: TransitionSubject) => string | undefined;
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
} as const satisfies Record<OrderAction, Transition>;

export const TERMINAL_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter(
  (s) => !Object.values(ORDER_TRANSITIONS).some((t) => (t.from as readonly OrderStatus[]).includes(s)),
);

export type TransitionCheck = { ok: true; to: OrderStatus } | { ok: false; reason: string };

export function checkTransition(order: TransitionSubject, action: OrderAction): TransitionCheck {
  const t: Transition = ORDER_TRANSITIONS[action];
  if (!t.from.includes(order.status)) {
    return { ok: false, reason: `cannot ${action.replace('_', ' ')} an order that is ${order.status}` };
  }
  const refused = t.guard?.(order);
  return refused ? { ok: false, reason: refused } : { ok: true, to: t.to };
}
