import { sql } from 'kysely';
import type { Config } from '../../../platform/config.js';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import type { ScheduledJob } from '../../../platform/scheduler.js';
import type { OrderHooks } from '../../orders/index.js';
import { ChannelClients } from '../channel-clients.js';
import { type ChannelRow, listEnabledChannels } from '../channels.repository.js';
import { receiveChannelOrderIn } from '../receive-channel-order.js';
import { mapAmazonOrder } from './amazon-order-mapping.js';
import { type AmazonPollSink, pollAmazonOrders } from './order-poll.js';
import type { SpLimits } from './sp-api-client.js';
import { toChannelOrder } from './to-channel-order.js';

export interface AmazonPollDeps {
  db: Db;
  orderHooks: OrderHooks;
  config: Pick<Config, 'channelSecretsKey' | 'sync'>;
}

/** getOrders restores one request a minute: polling more often only spends the burst. */
const POLL_EVERY = '60 seconds';
const FIRST_LOOK_BACK = '1 day';

/**
 * Polls every enabled Amazon channel whose last poll is a minute old, one process per channel at a
 * time (a lease). Each new (AmazonOrderId, LastUpdateDate) goes through the channels intake in one
 * transaction with its applied-version row; the watermark is stored after the whole poll.
 */
export class AmazonPolling {
  private readonly clients: ChannelClients;

  constructor(
    private readonly deps: AmazonPollDeps,
    limits?: SpLimits,
  ) {
    this.clients = limits ? new ChannelClients(deps.config, limits) : ChannelClients.of(deps.config);
  }

  async pollAll(): Promise<number> {
    let applied = 0;
    for (const channel of await listEnabledChannels(this.deps.db, ['amazon']))
      applied += await this.pollChannel(channel);
    return applied;
  }

  private async pollChannel(channel: ChannelRow): Promise<number> {
    const { db } = this.deps;
    await db
      .insertInto('amazon_poll_state')
      .values({ channel_id: channel.id, watermark: sql`now() - ${FIRST_LOOK_BACK}::interval` })
      .onConflict((oc) => oc.column('channel_id').doNothing())
      .execute();
    const state = await db
      .updateTable('amazon_poll_state')
      .set({ leased_until: sql`now() + interval '10 minutes'` })
      .where('channel_id', '=', channel.id)
      .where((eb) => eb.or([eb('leased_until', 'is', null), eb('leased_until', '<', sql<Date>`now()`)]))
      .where((eb) =>
        eb.or([
          eb('last_polled_at', 'is', null),
          eb('last_polled_at', '<', sql<Date>`now() - ${POLL_EVERY}::interval`),
        ]),
      )
      .returning('watermark')
      .executeTakeFirst();
    if (!state) return 0;
    try {
      const result = await pollAmazonOrders(this.clients.amazon(channel), this.sink(channel), {
        watermark: new Date(state.watermark).toISOString(),
      });
      await db
        .updateTable('amazon_poll_state')
        .set({
          watermark: result.watermark,
          leased_until: null,
          last_polled_at: sql`now()`,
          last_error: null,
        })
        .where('channel_id', '=', channel.id)
        .execute();
      await db
        .deleteFrom('amazon_applied_versions')
        .where('channel_id', '=', channel.id)
        .where('last_update_date', '<', sql<Date>`${result.watermark}::timestamptz - interval '1 day'`)
        .execute();
      return result.applied;
    } catch (error) {
      await db
        .updateTable('amazon_poll_state')
        .set({
          leased_until: null,
          last_polled_at: sql`now()`,
          last_error: (error as Error).message.slice(0, 500),
        })
        .where('channel_id', '=', channel.id)
        .execute();
      return 0;
    }
  }

  private sink(channel: ChannelRow): AmazonPollSink {
    const { db, orderHooks } = this.deps;
    const split = (key: string) => {
      const [id, at] = key.split(' ');
      return { amazon_order_id: id!, last_update_date: at! };
    };
    return {
      async applied(keys) {
        if (keys.length === 0) return new Set();
        const rows = await db
          .selectFrom('amazon_applied_versions')
          .select(['amazon_order_id', 'last_update_date'])
          .where('channel_id', '=', channel.id)
          .where(
            'amazon_order_id',
            'in',
            keys.map((k) => split(k).amazon_order_id),
          )
          .execute();
        return new Set(rows.map((r) => `${r.amazon_order_id} ${new Date(r.last_update_date).toISOString()}`));
      },
      async apply(order, items, key) {
        await inTransaction(db, async (trx) => {
          const recorded = await trx
            .insertInto('amazon_applied_versions')
            .values({ channel_id: channel.id, ...split(key) })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(recorded.numInsertedOrUpdatedRows ?? 0) === 0) return;
          const mapped = mapAmazonOrder(order, items);
          // A version that cannot become an order (no prices yet, an amount in no currency) is kept
          // as applied: Amazon's next version of the order comes with a new LastUpdateDate.
          if (!mapped.ok) return;
          const incoming = toChannelOrder(mapped.order);
          if (incoming)
            await receiveChannelOrderIn(trx, orderHooks, channel, incoming, `channel:${channel.code}`);
        });
      },
    };
  }
}

export function amazonPollJob(deps: AmazonPollDeps): ScheduledJob {
  const polling = new AmazonPolling(deps);
  return { name: 'channels-amazon-poll', run: () => polling.pollAll() };
}
