import {
  assertStateTransition,
  type Transition,
  type TransitionTable,
  terminalStates,
} from '../../platform/state-machine.js';

export const SHIPMENT_STATUSES = [
  'pending',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'returned_to_sender',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** What a carrier's tracking event says about the parcel. */
export const TRACKING_STATUSES = [
  'info',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'returned_to_sender',
] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

export const SHIPMENT_ACTIONS = [
  'ship',
  'transit',
  'dispatch',
  'deliver',
  'report_exception',
  'return',
] as const;
export type ShipmentAction = (typeof SHIPMENT_ACTIONS)[number];

const MOVING = ['in_transit', 'out_for_delivery', 'exception'] as const;

export const SHIPMENT_TRANSITIONS = {
  ship: { from: ['pending'], to: 'in_transit' },
  // an exception cleared, or a parcel sent on again after a failed delivery attempt
  transit: { from: ['out_for_delivery', 'exception'], to: 'in_transit' },
  dispatch: { from: MOVING, to: 'out_for_delivery' },
  deliver: { from: MOVING, to: 'delivered' },
  report_exception: { from: ['in_transit', 'out_for_delivery'], to: 'exception' },
  return: { from: MOVING, to: 'returned_to_sender' },
} as const satisfies TransitionTable<ShipmentStatus, ShipmentAction, { status: ShipmentStatus }>;

export const SHIPMENT_TERMINAL_STATUSES = terminalStates(
  SHIPMENT_STATUSES,
  SHIPMENT_TRANSITIONS as Record<string, Transition<ShipmentStatus, never>>,
);

/** The action a tracking event asks for; `info` events (picked up, sorted) change nothing. */
export const TRACKING_ACTION: Record<TrackingStatus, ShipmentAction | undefined> = {
  info: undefined,
  in_transit: 'transit',
  out_for_delivery: 'dispatch',
  delivered: 'deliver',
  exception: 'report_exception',
  returned_to_sender: 'return',
};

export const assertShipmentTransition = (shipment: { status: ShipmentStatus }, action: ShipmentAction) =>
  assertStateTransition('shipment', SHIPMENT_TRANSITIONS, shipment, action);
