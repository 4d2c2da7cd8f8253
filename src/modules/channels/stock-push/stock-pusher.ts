import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { Stoppable } from '../../../platform/module.js';
import { sellableInWarehouses } from '../../inventory/index.js';
import type { StockPolicy } from '../channels.tables.js';
import { channelSellable } from './channel-sellable.js';
import { dueStockLevels, recordChannelLevels, recordPushed } from './stock-levels.repository.js';
import { STOCK_PUSH_KINDS, type StockTarget } from './stock-targets.js';

export interface StockChannel {
  id: string;
  kind: string;
  api_url: string | null;
  credentials_enc: string | null;
  warehouses: string[];
  stock_policy: StockPolicy;
}

/** Builds the stock API client of a channel (undefined: it cannot be pushed to, e.g. no credentials). */
export type StockTargetFactory = (channel: StockChannel) => StockTarget | undefined;

const LEASE_MS = 30_000;

/**
 * Sends each channel's due stock levels, the latest of each SKU only, a batch at a time and as fast as
 * the channel's rate limit lets it (the target paces itself). One pusher per channel at a time, by a
 * lease in channel_stock_push; should two overlap (a lease ran out), compare-and-set on the channel
 * and the version guard on our side keep an older level from ever overwriting a newer one.
 */
export class StockPusher implements Stoppable {
  readonly id = `stock-pusher-${newId()}`;
  private readonly targets = new Map<string, StockTarget | undefined>();
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
      .select(['id', 'kind', 'api_url', 'credentials_enc', 'warehouses', 'stock_policy'])
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

  private target(channel: StockChannel): StockTarget | undefined {
    if (!this.targets.has(channel.id)) this.targets.set(channel.id, this.targetFor(channel));
    return this.targets.get(channel.id);
  }

  private async pushChannel(channel: StockChannel, budgetMs: number): Promise<number> {
    const target = this.target(channel);
    if (!target || !(await this.lease(channel.id))) return 0;
    const until = Date.now() + budgetMs;
    let acked = 0;
    try {
      while (Date.now() < until && !this.stopped) {
        // Versions first, stock second: every change behind a version read here committed before
        // its version was bumped, so the stock read after includes it; pushes one after another
        // (the lease) then never send an older level after a newer one.
        const due = await dueStockLevels(this.db, channel.id, target.batchSize);
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
        );
        const bySku = new Map(levels.map((l) => [l.sku, l]));
        const done = [...outcome.acked, ...outcome.absent].map((sku) => bySku.get(sku)!);
        // The channel holds these levels now: what it acknowledged must be recorded, or the next
        // push compares against levels it no longer has (stale, the whole batch refused). The relay's
        // consumer bumps the same rows in its own order, so a deadlock is retried, not given up on.
        await inTransaction(this.db, async (trx) => {
          await recordPushed(trx, channel.id, done);
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
              last_pushed_at: sql`now()`,
              leased_until: sql`now() + ${`${LEASE_MS} milliseconds`}::interval`,
            }))
            .where('channel_id', '=', channel.id)
            .execute();
        });
        acked += outcome.acked.length;
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
