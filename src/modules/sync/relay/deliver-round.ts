import { syncDeliveryAttempts, syncDeliveryLatency } from '../../../platform/metrics.js';
import { DeliveryFailure, type TransportSet } from '../transports/transport.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import type { RoundOutcome } from './settle.js';

/** Chains in flight at once in one round. */
const CHAINS_AT_ONCE = 128;

/**
 * Sends a round of claimed deliveries. Each (subscription, order) is a chain sent strictly one after
 * another in sequence order, and a chain stops at its first failure: the failed delivery backs off, the
 * rest are released untried and wait behind it. Chains run side by side, so one slow or failing order,
 * endpoint or broker never holds up another.
 *
 * Chains not yet started when `startBefore` has passed are released untried: the round's lease is
 * running out, and another relay may soon take those deliveries over.
 */
export async function deliverRound(
  claimed: ClaimedDelivery[],
  transports: TransportSet,
  startBefore = Number.POSITIVE_INFINITY,
): Promise<RoundOutcome> {
  const chains = new Map<string, ClaimedDelivery[]>();
  for (const d of claimed) {
    const key = `${d.subscriptionId} ${d.event.subject}`;
    const chain = chains.get(key);
    if (chain) chain.push(d);
    else chains.set(key, [d]);
  }
  const outcome: RoundOutcome = { delivered: [], failed: [], released: [] };
  await forEachLimited([...chains.values()], CHAINS_AT_ONCE, async (chain) => {
    chain.sort((a, b) => a.event.sequence - b.event.sequence);
    if (Date.now() > startBefore) {
      outcome.released.push(...chain.map((d) => d.id));
      return;
    }
    for (let i = 0; i < chain.length; i++) {
      const d = chain[i]!;
      const transport = transports[d.target.transport];
      try {
        if (!transport)
          throw new DeliveryFailure(`transport ${d.target.transport} is not configured here`, 'unavailable');
        await transport.send(d.target, d.event);
        outcome.delivered.push({ id: d.id, subscriptionId: d.subscriptionId });
        syncDeliveryAttempts.inc({ transport: d.target.transport, outcome: 'delivered' });
        syncDeliveryLatency.observe(
          { transport: d.target.transport },
          Math.max(0, (Date.now() - d.event.time.getTime()) / 1000),
        );
      } catch (error) {
        const failure =
          error instanceof DeliveryFailure
            ? error
            : new DeliveryFailure((error as Error).message, 'rejected');
        if (failure.kind === 'unavailable') {
          outcome.released.push(d.id);
        } else {
          outcome.failed.push({
            id: d.id,
            subscriptionId: d.subscriptionId,
            error: failure.message,
            status: failure.status ?? null,
          });
        }
        syncDeliveryAttempts.inc({
          transport: d.target.transport,
          outcome: failure.kind === 'unavailable' ? 'unavailable' : 'failed',
        });
        outcome.released.push(...chain.slice(i + 1).map((later) => later.id));
        return;
      }
    }
  });
  return outcome;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
