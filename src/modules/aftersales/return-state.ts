import {
  assertStateTransition,
  type Transition,
  type TransitionTable,
  terminalStates,
} from '../../platform/state-machine.js';

export const RETURN_TYPES = ['return_refund', 'exchange', 'refund_only'] as const;
export type ReturnType = (typeof RETURN_TYPES)[number];

export const REASON_CODES = [
  'defective',
  'wrong_item',
  'not_as_described',
  'damaged_in_transit',
  'missing_parts',
  'no_longer_needed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** Windows are set per group: the buyer's change of mind, or something wrong with the goods. */
export const REASON_GROUPS = ['change_of_mind', 'quality'] as const;
export type ReasonGroup = (typeof REASON_GROUPS)[number];
export const reasonGroup = (reason: ReasonCode): ReasonGroup =>
  reason === 'no_longer_needed' ? 'change_of_mind' : 'quality';

export type ReturnStage = 'before_shipment' | 'after_delivery';

export const RETURN_STATUSES = [
  'requested',
  'approved',
  'rejected',
  'received',
  'refunded',
  'exchanged',
] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

export const RETURN_ACTIONS = ['approve', 'reject', 'receive', 'refund', 'exchange'] as const;
export type ReturnAction = (typeof RETURN_ACTIONS)[number];

export interface ReturnSubject {
  status: ReturnStatus;
  type: ReturnType;
}

export const RETURN_TRANSITIONS = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested'], to: 'rejected' },
  receive: {
    from: ['approved'],
    to: 'received',
    guard: (r) => (r.type === 'refund_only' ? 'a refund-only request has no goods to receive' : undefined),
  },
  refund: {
    from: ['approved', 'received'],
    to: 'refunded',
    guard: (r) => {
      if (r.type === 'exchange') return 'an exchange is settled with goods, not money';
      if (r.type === 'return_refund' && r.status !== 'received')
        return 'the goods have not been received yet';
      if (r.type === 'refund_only' && r.status !== 'approved') return 'the request is not approved';
      return undefined;
    },
  },
  exchange: {
    from: ['received'],
    to: 'exchanged',
    guard: (r) => (r.type === 'exchange' ? undefined : `a ${r.type} request is not an exchange`),
  },
} as const satisfies TransitionTable<ReturnStatus, ReturnAction, ReturnSubject>;

export const RETURN_TERMINAL_STATUSES = terminalStates(
  RETURN_STATUSES,
  RETURN_TRANSITIONS as Record<string, Transition<ReturnStatus, never>>,
);

export const assertReturnTransition = (r: ReturnSubject, action: ReturnAction) =>
  assertStateTransition('return', RETURN_TRANSITIONS, r, action);
