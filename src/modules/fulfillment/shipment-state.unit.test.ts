import { describe, expect, it } from 'vitest';
import { checkStateTransition, reachableStates, type Transition } from '../../platform/state-machine.js';
import {
  SHIPMENT_ACTIONS,
  SHIPMENT_STATUSES,
  SHIPMENT_TERMINAL_STATUSES,
  SHIPMENT_TRANSITIONS,
  type ShipmentStatus,
} from './shipment-state.js';

const table = SHIPMENT_TRANSITIONS as Record<string, Transition<ShipmentStatus, never>>;

describe('shipment state machine', () => {
  it('reaches every state from pending', () => {
    expect([...reachableStates(['pending'], table)].sort()).toEqual([...SHIPMENT_STATUSES].sort());
  });

  it('has delivered and returned_to_sender as terminal states, with no exits', () => {
    expect([...SHIPMENT_TERMINAL_STATUSES].sort()).toEqual(['delivered', 'returned_to_sender']);
    for (const status of SHIPMENT_TERMINAL_STATUSES) {
      for (const action of SHIPMENT_ACTIONS)
        expect(checkStateTransition('shipment', SHIPMENT_TRANSITIONS, { status }, action).ok).toBe(false);
    }
  });
});
