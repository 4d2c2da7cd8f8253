import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { Stoppable } from '../../../platform/module.js';
import { sellableInWarehouses } from '../../inventory/index.js';
import { channelSellable } from './channel-sellable.js';
import { STOCK_PUSH_KINDS } from './stock-adapters.js';
import {
  dueStockLevels,
  recordAbsent,
  recordChannelLevels,
  recordPushed,
} from './stock-levels.repository.js';
import type { StockChannel, StockTarget } from './stock-targets.js';

export type { StockChannel } from './stock-targets.js';

/** Builds the stock API client of a channel (undefined: it cannot be pushed to, e.g. no credentials). */
export type StockTargetFactory = (channel: StockChannel) => StockTarget | undefined;

const LEASE_MS = 30_000;
/** No request of a batch starts later than this after the batch began: well inside the lease. */
const SEND_WITHIN_MS = LEASE_MS / 2;
/** A SKU the channel refused rests this long, doubled each time again, up to REST_MAX_MS. */
const REST_MS = 1_000;
const REST_MAX_MS = 300_000;

/**
 * Sends each channel's due stock levels, the latest of each SKU only, a batch at a time and as fast as
 * the channel's rate limit lets it (the target paces itself). One pusher per channel at a time, by a
 * lease in channel_stock_push, and one push per channel in flight in a process: a SKU's levels go out
 * one after another, each read after its version. Should a lease run out under a slow pusher, the
 * target starts no request past `until` (half the lease), compare-and-set on channels that have it,
 * and the version guard on our side keep an older level from ever overwriting a newer one.
 */
export class StockPusher implements Stoppable {
  readonly id = `stock-pusher-${newId()}`;
  private readonly targets = new Map<
    string,
    { version: number | undefined; target: StockTarget | undefined }
  >();
  /** Channels being pushed by this process (overlapping passes never push one channel twice). */
  private readonly pushing = new Set<string>();
  /** SKUs a channel refused, by channel: when they may be tried again and how often they failed. */
  private readonly resting = new Map<string, Map<string, { until: number; failures: number }>>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly targetFor: StockTargetFactory,
    private readonly pollMs = 100,
  ) {}

  start(): this {
    const tick = () => {
      this.running = this.runOnce()
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: every channel with due levels, side by side; the number of levels acknowledged. */
  async runOnce(budgetMs = 5_000): Promise<number> {
    const channels = (await this.db
      .selectFrom('channels')
      .select(['id', 'kind', 'version', 'api_url', 'credentials_enc', 'warehouses', 'stock_policy'])
      .where('enabled', '=', true)
      .where('kind', 'in', [...STOCK_PUSH_KINDS])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('channel_stock_levels')
            .select(sql`1`.as('one'))
            .whereRef('channel_stock_levels.channel_id', '=', 'channels.id')
            .where(sql<boolean>`version > pushed_version`),
        ),
      )
      .execute()) as StockChannel[];
    const done = await Promise.all(channels.map((c) => this.pushChannel(c, budgetMs)));
    return done.reduce((a, b) => a + b, 0);
  }

  /** The channel's client, made again when its account or policy changed (its version). */
  private target(channel: StockChannel): StockTarget | undefined {
    const known = this.targets.get(channel.id);
    if (known && known.version === channel.version) return known.target;
    const target = this.targetFor(channel);
    this.targets.set(channel.id, { version: channel.version, target });
    return target;
  }

  private async pushChannel(channel: StockChannel, budgetMs: number): Promise<number> {
    const target = this.target(channel);
    if (!target || this.pushing.has(channel.id) || (target.readyAt?.() ?? 0) > Date.now()) return 0;
    this.pushing.add(channel.id);
    try {
      if (!(await this.lease(channel.id))) return 0;
      return await this.pushLeased(channel, target, budgetMs);
    } finally {
      this.pushing.delete(channel.id);
    }
  }

  private async pushLeased(channel: StockChannel, target: StockTarget, budgetMs: number): Promise<number> {
    const until = Date.now() + budgetMs;
    const resting = this.resting.get(channel.id) ?? new Map<string, { until: number; failures: number }>();
    this.resting.set(channel.id, resting);
    let acked = 0;
    try {
      while (Date.now() < until && !this.stopped) {
        const now = Date.now();
        const skip = [...resting].filter(([, r]) => r.until > now).map(([sku]) => sku);
        // Versions first, stock second: every change behind a version read here committed before
        // its version was bumped, so the stock read after includes it; pushes one after another
        // (the lease) then never send an older level after a newer one.
        const due = await dueStockLevels(this.db, channel.id, target.batchSize, skip);
        if (due.length === 0) break;
        const codes = channel.warehouses.length ? channel.warehouses : undefined;
        const sellable = await sellableInWarehouses(
          this.db,
          due.map((d) => d.sku),
          codes,
        );
        const levels = due.map((d) => ({
          sku: d.sku,
          version: d.version,
          level: channelSellable(sellable.get(d.sku) ?? 0, channel.stock_policy),
        }));
        const outcome = await target.push(
          levels.map((l, i) => ({ sku: l.sku, level: l.level, compare: due[i]!.pushedLevel })),
          { until: Date.now() + SEND_WITHIN_MS },
        );
        const bySku = new Map(levels.map((l) => [l.sku, l]));
        for (const sku of [...outcome.acked, ...outcome.absent]) resting.delete(sku);
        for (const f of outcome.failed) {
          const failures = (resting.get(f.sku)?.failures ?? 0) + 1;
          resting.set(f.sku, {
            until: Date.now() + Math.min(REST_MAX_MS, REST_MS * 2 ** (failures - 1)),
            failures,
          });
        }
        const failure =
          outcome.error ?? (outcome.failed[0] && `${outcome.failed[0].sku}: ${outcome.failed[0].message}`);
        // The channel holds these levels now: what it acknowledged must be recorded, or the next
        // push compares against levels it no longer has (stale, the whole batch refused). The relay's
        // consumer bumps the same rows in its own order, so a deadlock is retried, not given up on.
        await inTransaction(this.db, async (trx) => {
          await recordPushed(
            trx,
            channel.id,
            outcome.acked.map((sku) => bySku.get(sku)!),
          );
          await recordAbsent(
            trx,
            channel.id,
            outcome.absent.map((sku) => bySku.get(sku)!),
          );
          await recordChannelLevels(
            trx,
            channel.id,
            outcome.stale.map((s) => ({ sku: s.sku, level: s.current })),
          );
          await trx
            .updateTable('channel_stock_push')
            .set((eb) => ({
              pushed_total: eb('pushed_total', '+', outcome.acked.length),
              throttled_total: eb('throttled_total', '+', outcome.throttled),
              stale_total: eb('stale_total', '+', outcome.stale.length),
              failed_total: eb('failed_total', '+', outcome.failed.length),
              last_pushed_at: sql`now()`,
              leased_until: sql`now() + ${`${LEASE_MS} milliseconds`}::interval`,
              ...(failure
                ? {
                    last_error: failure.slice(0, 500),
                    last_error_at: sql`now()`,
                  }
                : {}),
            }))
            .where('channel_id', '=', channel.id)
            .execute();
        });
        acked += outcome.acked.length;
        if (outcome.error) break; // the channel is unwell or asked to wait: the next pass tries again
      }
    } catch (error) {
      await this.db
        .updateTable('channel_stock_push')
        .set({ last_error: (error as Error).message.slice(0, 500), last_error_at: sql`now()` })
        .where('channel_id', '=', channel.id)
        .execute();
    } finally {
      await this.db
        .updateTable('channel_stock_push')
        .set({ leased_by: null, leased_until: null })
        .where('channel_id', '=', channel.id)
        .where('leased_by', '=', this.id)
        .execute();
    }
    return acked;
  }

  /**
   *   insert into channel_stock_push (channel_id) values ($c) on conflict do nothing;
   *   update channel_stock_push set leased_by = $me, leased_until = now() + 30 s
   *   where channel_id = $c and (leased_until is null or leased_until < now() or leased_by = $me)
   */
  private async lease(channelId: string): Promise<boolean> {
    await this.db
      .insertInto('channel_stock_push')
      .values({ channel_id: channelId })
      .onConflict((oc) => oc.column('channel_id').doNothing())
      .execute();
    const taken = await this.db
      .updateTable('channel_stock_push')
      .set({ leased_by: this.id, leased_until: sql`now() + ${`${LEASE_MS} milliseconds`}::interval` })
      .where('channel_id', '=', channelId)
      .where((eb) =>
        eb.or([
          eb('leased_until', 'is', null),
          eb('leased_until', '<', sql<Date>`now()`),
          eb('leased_by', '=', this.id),
        ]),
      )
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0;
  }
}
