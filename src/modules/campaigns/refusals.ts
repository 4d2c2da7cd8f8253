import { AppError } from '../../platform/errors.js';
import type { GateOutcome } from './flash-gate.js';

/** A buyer's answer for each reason a campaign turns an order away, wherever that is decided. */
export const REFUSALS: Partial<Record<GateOutcome, () => AppError>> = {
  sold_out: () => new AppError('sold_out', 'This campaign is sold out'),
  limit_reached: () => new AppError('limit_reached', 'You have bought as many as this campaign allows'),
  not_started: () => new AppError('campaign_closed', 'This campaign has not started yet'),
  ended: () => new AppError('campaign_closed', 'This campaign has ended'),
};

/** Stock ran out before the allotment did: the campaign is sold out all the same. */
export const outOfStock = () =>
  new AppError('sold_out', 'This campaign is sold out: no stock is left', { outOfStock: true });
