import { assertStateTransition, type TransitionTable } from '../../platform/state-machine.js';
import type { ReasonCode } from './return-state.js';

export const CLAIM_KINDS = ['missing', 'damaged', 'wrong_item'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const CLAIM_STATUSES = ['open', 'resolved', 'rejected'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_RESOLUTIONS = ['refund', 'replacement', 'compensation'] as const;
export type ClaimResolution = (typeof CLAIM_RESOLUTIONS)[number];

export const CLAIM_TRANSITIONS = {
  resolve: { from: ['open'], to: 'resolved' },
  reject: { from: ['open'], to: 'rejected' },
} as const satisfies TransitionTable<ClaimStatus, 'resolve' | 'reject', { status: ClaimStatus }>;

export const assertClaimTransition = (claim: { status: ClaimStatus }, action: 'resolve' | 'reject') =>
  assertStateTransition('claim', CLAIM_TRANSITIONS, claim, action);

/** The return reason whose knowledge-base articles answer a claim of this kind. */
export const claimReason = (kind: ClaimKind): ReasonCode =>
  kind === 'missing' ? 'missing_parts' : kind === 'damaged' ? 'damaged_in_transit' : 'wrong_item';
