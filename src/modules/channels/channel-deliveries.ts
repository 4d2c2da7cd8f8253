import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { claimDueDelivery, markDeliveryDone, markDeliveryRetry } from './channel-deliveries.repository.js';
import { findChannelById } from './channels.repository.js';
import {
  type IntakeDeps,
  receiveChannelDeletion,
  receiveChannelOrderIn,
  receiveChannelRefund,
} from './receive-channel-order.js';
import { readDelivery } from './webhook-topics.js';

/** Tries before a delivery is given up as failed (about a day of doubling waits capped at an hour). */
const MAX_ATTEMPTS = 30;

/**
 * Applies webhook deliveries kept by the webhook routes, oldest due first, each in its own
 * transaction with its status: done exactly once, or back to wait (a refund or deletion before its
 * order), failed after MAX_ATTEMPTS. Safe in every process at once (SKIP LOCKED). Returns how many.
 */
export async function applyDueDeliveries(deps: IntakeDeps, now = new Date(), limit = 200): Promise<number> {
  let applied = 0;
  for (; applied < limit; applied++) {
    let claimedId: string | undefined;
    try {
      const claimed = await inTransaction(deps.db, async (trx) => {
        const row = await claimDueDelivery(trx, now);
        if (!row) return false;
        claimedId = row.id;
        const channel = await findChannelById(trx, row.channel_id);
        if (!channel) throw new Error('its channel is gone');
        const actor = `channel:${channel.code}`;
        const action = readDelivery(channel.kind, row.topic, row.body);
        if (action.type === 'order') {
          await receiveChannelOrderIn(trx, deps.orderHooks, channel, action.order, actor);
        } else if (action.type === 'refund') {
          const refund = { id: action.refundId, amount: action.amount(channel.currency.trim()) };
          const outcome = await receiveChannelRefund(trx, channel, action.externalId, refund, actor);
          if (outcome === 'unknown_order')
            throw new Error(`refund for order ${action.externalId}, not received yet`);
        } else {
          const done = await receiveChannelDeletion(
            trx,
            deps.orderHooks,
            channel,
            action.externalId,
            row.received_at,
            actor,
          );
          if (!done) throw new Error(`deletion of order ${action.externalId}, not received yet`);
        }
        await markDeliveryDone(trx, row.id);
        return true;
      });
      if (!claimed) break;
    } catch (error) {
      if (!claimedId) throw error;
      const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
      await markDeliveryRetry(deps.db, claimedId, message, MAX_ATTEMPTS);
    }
  }
  return applied;
}
