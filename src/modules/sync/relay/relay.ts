import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../platform/db/database.js';
import type { SyncConfig } from '../../../platform/sync-config.js';
import { readyTargets, type TransportSet } from '../transports/transport.js';
import { claimBatch } from './claim-batch.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import { deliverRound } from './deliver-round.js';
import { fanOut } from './fan-out.js';
import { settleRound } from './settle.js';
import { relaySignal } from './wakeup.js';

/** Rounds a relay keeps in flight: a slow endpoint in one round does not stop the next from starting. */
const ROUNDS_IN_FLIGHT = 8;
const MAX_ERROR_BACKOFF_MS = 5_000;

export type RelaySettings = Pick<
  SyncConfig,
  'relayBatchSize' | 'relayPollIntervalMs' | 'relayLeaseMs' | 'retryScale' | 'disableAfterSeconds'
>;

/**
 * The relay: fans new outbox events out into deliveries, claims due deliveries, sends them through
 * their transports and records the outcome. Any number may run, in any number of processes; they
 * coordinate only through the database (an advisory lock for fan-out, SKIP LOCKED and leases for
 * deliveries). It works while there is work, then sleeps until woken (LISTEN/NOTIFY, or in-process)
 * or until the poll interval has passed.
 */
export class Relay {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #pendingWake = false;
  readonly #inFlight = new Set<Promise<void>>();
  /** The inline consumers of the last fan-out (fan-out.ts), still applying. */
  #inline: Promise<void> | undefined;
  readonly #onSignal = () => this.wake();

  constructor(
    private readonly db: Db,
    private readonly settings: RelaySettings,
    private readonly transports: TransportSet,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    relaySignal.on('wake', this.#onSignal);
    this.#loop = this.#run();
  }

  /** Stops claiming, lets the rounds in flight finish and record their outcome. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    relaySignal.off('wake', this.#onSignal);
    this.wake();
    await this.#loop;
  }

  /** Look for work now instead of at the next poll. */
  wake(): void {
    this.#pendingWake = true;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    let errors = 0;
    while (this.#running) {
      let claimedAny = false;
      try {
        while (this.#running && this.#inFlight.size < ROUNDS_IN_FLIGHT) {
          this.#pendingWake = false;
          const claimed = await this.#claim();
          if (claimed.length === 0) break;
          claimedAny = true;
          const round: Promise<void> = this.#deliver(claimed)
            .catch((error) => this.log.error({ err: error, relay: this.id }, 'relay round failed to settle'))
            .finally(() => {
              this.#inFlight.delete(round);
              this.wake();
            });
          this.#inFlight.add(round);
        }
        errors = 0;
      } catch (error) {
        errors++;
        this.log.error({ err: error, relay: this.id }, 'relay could not claim work; retrying');
      }
      if (!this.#running) break;
      if (this.#inFlight.size >= ROUNDS_IN_FLIGHT) {
        // Full: no claim can start until a round ends (its end wakes the loop). Sleeping instead
        // would return at once on a wake that came meanwhile, never clearing it: the loop then spun
        // on resolved promises, and the rounds, which need I/O to end, never got any.
        await Promise.race(this.#inFlight);
        continue;
      }
      if (claimedAny && errors === 0) continue;
      const wait =
        errors > 0
          ? Math.min(MAX_ERROR_BACKOFF_MS, this.settings.relayPollIntervalMs * 2 ** errors)
          : this.settings.relayPollIntervalMs;
      await this.#sleep(wait);
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#pendingWake) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        done();
      };
    });
  }

  /** Fresh events first (fan-out claims them as it creates them), then whatever else is due. */
  async #claim(): Promise<ClaimedDelivery[]> {
    // The last round's inline consumers first: until they take its events, fan-out would read them again.
    await this.#inline;
    const ready = readyTargets(this.transports);
    const options = { relayId: this.id, leaseMs: this.settings.relayLeaseMs, ready };
    const consumers = this.transports.consumer;
    const fanned = await fanOut(this.db, {
      ...options,
      batchSize: this.settings.relayBatchSize,
      inline: consumers?.ready() ? consumers.inline : undefined,
    });
    const due = await claimBatch(this.db, {
      ...options,
      limit: this.settings.relayBatchSize - fanned.claimed.length,
    });
    if (fanned.inline) this.#applyInline(fanned.inline);
    // Fan-out that took events but claimed nothing (paused subscriptions, waiting orders) is still progress.
    if (fanned.events > 0 && fanned.claimed.length + due.length === 0) this.#pendingWake = true;
    return [...fanned.claimed, ...due];
  }

  /** Runs the round's inline consumers beside its sends; deliveries they leave claimed are sent after. */
  #applyInline(apply: () => Promise<ClaimedDelivery[]>): void {
    const applying = apply();
    // The next fan-out waits for the transaction only, not for sending what it left claimed.
    this.#inline = applying.then(
      () => {},
      () => {},
    );
    const round: Promise<void> = applying
      .then((claimed) => (claimed.length > 0 ? this.#deliver(claimed) : undefined))
      .catch((error) =>
        this.log.error({ err: error, relay: this.id }, 'relay could not apply inline consumers'),
      )
      .finally(() => {
        this.#inFlight.delete(round);
        this.wake();
      });
    this.#inFlight.add(round);
  }

  async #deliver(claimed: ClaimedDelivery[]): Promise<void> {
    // Leave the second half of the lease for chains already under way to finish and be recorded.
    const startBefore = Date.now() + this.settings.relayLeaseMs / 2;
    const outcome = await deliverRound(claimed, this.transports, startBefore);
    const settled = await settleRound(this.db, outcome, {
      relayId: this.id,
      retryScale: this.settings.retryScale,
      disableAfterSeconds: this.settings.disableAfterSeconds,
      log: this.log,
    });
    if (settled.dead > 0)
      this.log.warn({ relay: this.id, dead: settled.dead }, 'deliveries moved to the dead letters');
  }
}
