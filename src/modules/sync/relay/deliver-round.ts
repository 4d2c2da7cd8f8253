import { syncDeliveryAttempts, syncDeliveryLatency } from '../../../platform/metrics.js';
import { DeliveryFailure, type TransportSet } from '../transports/transport.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import type { RoundOutcome } from './settle.js';

/** Chains (or batched subscriptions) in flight at once in one round. */
const CHAINS_AT_ONCE = 128;
/** The most events one batch call takes: it is one transaction, which should stay short. */
const BATCH_MAX = 100;

/**
 * Sends a round of claimed deliveries. Each (subscription, order) is a chain sent strictly one after
 * another in sequence order, and a chain stops at its first failure: the failed delivery backs off, the
 * rest are released untried and wait behind it. Chains run side by side, so one slow or failing order,
 * endpoint or broker never holds up another.
 *
 * A transport that takes batches (in-process consumers: one transaction for many events) gets the
 * chains of one subscription layer by layer: the first event of every chain in one call, then the
 * second of those still going, and so on, so a batch never holds two events of one order. A batch that
 * fails is retried one event at a time, which finds the failing event and lets the others through.
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
  for (const chain of chains.values()) chain.sort((a, b) => a.event.sequence - b.event.sequence);

  // Work items: a single chain, or all the chains of a subscription whose transport takes batches.
  const single: ClaimedDelivery[][] = [];
  const batched = new Map<string, ClaimedDelivery[][]>();
  for (const chain of chains.values()) {
    const head = chain[0]!;
    if (!transports[head.target.transport]?.sendBatch) {
      single.push(chain);
      continue;
    }
    const chainsOfSubscription = batched.get(head.subscriptionId);
    if (chainsOfSubscription) chainsOfSubscription.push(chain);
    else batched.set(head.subscriptionId, [chain]);
  }

  const outcome: RoundOutcome = { delivered: [], failed: [], released: [] };
  const attempt = attempter(transports, outcome);
  const work: Array<() => Promise<void>> = [
    ...single.map((chain) => async () => {
      if (Date.now() > startBefore) return void outcome.released.push(...chain.map((d) => d.id));
      for (let i = 0; i < chain.length; i++) {
        if (!(await attempt.one(chain[i]!))) {
          outcome.released.push(...chain.slice(i + 1).map((later) => later.id));
          return;
        }
      }
    }),
    ...[...batched.values()].map((subscriptionChains) => async () => {
      if (Date.now() > startBefore)
        return void outcome.released.push(...subscriptionChains.flat().map((d) => d.id));
      let live = subscriptionChains;
      for (let i = 0; live.length > 0; i++) {
        const layer = live.map((chain) => chain[i]!);
        const ok = new Set<ClaimedDelivery>();
        for (let from = 0; from < layer.length; from += BATCH_MAX) {
          for (const d of await attempt.batch(layer.slice(from, from + BATCH_MAX))) ok.add(d);
        }
        const next: ClaimedDelivery[][] = [];
        for (const chain of live) {
          if (!ok.has(chain[i]!)) outcome.released.push(...chain.slice(i + 1).map((later) => later.id));
          else if (i + 1 < chain.length) next.push(chain);
        }
        live = next;
      }
    }),
  ];
  await forEachLimited(work, CHAINS_AT_ONCE, (run) => run());
  return outcome;
}

/** Sends deliveries and records each outcome (and its metrics) in `outcome`. */
function attempter(transports: TransportSet, outcome: RoundOutcome) {
  const delivered = (d: ClaimedDelivery) => {
    outcome.delivered.push({ id: d.id, subscriptionId: d.subscriptionId });
    syncDeliveryAttempts.inc({ transport: d.target.transport, outcome: 'delivered' });
    syncDeliveryLatency.observe(
      { transport: d.target.transport },
      Math.max(0, (Date.now() - d.event.time.getTime()) / 1000),
    );
  };

  /** One delivery; true when it went through. */
  async function one(d: ClaimedDelivery): Promise<boolean> {
    const transport = transports[d.target.transport];
    try {
      if (!transport)
        throw new DeliveryFailure(`transport ${d.target.transport} is not configured here`, 'unavailable');
      await transport.send(d.target, d.event);
      delivered(d);
      return true;
    } catch (error) {
      const failure =
        error instanceof DeliveryFailure ? error : new DeliveryFailure((error as Error).message, 'rejected');
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
      return false;
    }
  }

  /** Deliveries of one subscription, at most one per order, in one call; those that went through. */
  async function batch(ds: ClaimedDelivery[]): Promise<ClaimedDelivery[]> {
    const head = ds[0]!;
    if (ds.length === 1) return (await one(head)) ? ds : [];
    try {
      await transports[head.target.transport]!.sendBatch!(
        head.target,
        ds.map((d) => d.event),
      );
      for (const d of ds) delivered(d);
      return ds;
    } catch {
      // Which one failed is found by sending them one at a time; each is then an attempt of its own.
      const ok: ClaimedDelivery[] = [];
      for (const d of ds) if (await one(d)) ok.push(d);
      return ok;
    }
  }

  return { one, batch };
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
