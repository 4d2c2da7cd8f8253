import { AppError } from '../errors.js';
import type { Principal } from './roles.js';

/**
 * The sales channel a channel key acts for; undefined for the other roles, which are not bound to
 * one. A channel key that names none (made before keys named their channel) may act for none.
 */
export function boundChannel(principal: Principal | null): string | undefined {
  if (principal?.role !== 'channel') return undefined;
  if (!principal.channel)
    throw new AppError(
      'forbidden',
      'This channel key names no channel; create a channel key with its channel (POST /v1/api-keys)',
    );
  return principal.channel;
}

/** The channel an order is placed or looked for under: a channel key's own, else what was asked. */
export function channelFor(principal: Principal | null, requested: string | undefined): string | undefined {
  const own = boundChannel(principal);
  if (own === undefined) return requested;
  if (requested !== undefined && requested !== own)
    throw new AppError('forbidden', `This key acts for channel ${own}, not ${requested}`);
  return own;
}
