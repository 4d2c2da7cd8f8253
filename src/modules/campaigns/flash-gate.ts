import type { Redis } from 'ioredis';

export type GateOutcome =
  | 'ok'
  | 'sold_out'
  | 'limit_reached'
  | 'not_started'
  | 'ended'
  | 'unprimed'
  | 'unavailable';

export interface GateCampaign {
  id: string;
  allotted: number;
  sold: number;
  perCustomerLimit: number;
  startsAt: Date;
  endsAt: Date;
}

// One hash per campaign and one of its buyers; the braces keep both in one Redis Cluster slot.
const keys = (id: string) => [`ordersync:campaign:{${id}}`, `ordersync:campaign:{${id}}:buyers`];

/**
 * Checks the window, the allotment and the buyer's limit and takes the units, atomically.
 * KEYS: campaign hash, buyers hash. ARGV: now (ms), customer, quantity.
 */
const TAKE = `
local c = redis.call('HMGET', KEYS[1], 'remaining', 'starts', 'ends', 'limit')
if not c[1] then return 'unprimed' end
local now, q = tonumber(ARGV[1]), tonumber(ARGV[3])
if now < tonumber(c[2]) then return 'not_started' end
if now >= tonumber(c[3]) then return 'ended' end
if tonumber(c[1]) < q then return 'sold_out' end
local bought = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
if bought + q > tonumber(c[4]) then return 'limit_reached' end
redis.call('HINCRBY', KEYS[1], 'remaining', -q)
redis.call('HINCRBY', KEYS[2], ARGV[2], q)
return 'ok'`;

const GIVE_BACK = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(ARGV[2]))
redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(ARGV[2]))
return 1`;

/** Writes the counters only if they are not there: a live sale's counts are never overwritten. */
const PRIME = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'starts', ARGV[2], 'ends', ARGV[3], 'limit', ARGV[4])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1`;

/** Sets `remaining` only if it still holds what the caller saw (compare and set). */
const REPAIR = `
if redis.call('HGET', KEYS[1], 'remaining') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'remaining', ARGV[2])
return 1`;

/**
 * The Redis gate in front of a flash sale: it answers most buyers (the losers) without the database.
 * It is an optimisation only: the database's conditional statements decide, so a gate that is wrong
 * or gone can cost speed but never oversell. Every Redis failure reads as 'unavailable'.
 */
export class FlashGate {
  constructor(private readonly redis: Redis) {}

  async take(c: GateCampaign, customer: string, quantity: number, now: Date): Promise<GateOutcome> {
    try {
      return (await this.redis.eval(
        TAKE,
        2,
        ...keys(c.id),
        now.getTime(),
        customer,
        quantity,
      )) as GateOutcome;
    } catch {
      return 'unavailable';
    }
  }

  async giveBack(campaignId: string, customer: string, quantity: number): Promise<void> {
    try {
      await this.redis.eval(GIVE_BACK, 2, ...keys(campaignId), customer, quantity);
    } catch {
      // Redis is away: the reconciliation job brings the counter back in line.
    }
  }

  async prime(
    c: GateCampaign,
    buyers: ReadonlyArray<{ customer: string; quantity: number }>,
  ): Promise<boolean> {
    const args = [c.allotted - c.sold, c.startsAt.getTime(), c.endsAt.getTime(), c.perCustomerLimit];
    const pairs = buyers.flatMap((b) => [b.customer, b.quantity]);
    try {
      return (await this.redis.eval(PRIME, 2, ...keys(c.id), ...args, ...pairs)) === 1;
    } catch {
      return false;
    }
  }

  async remaining(campaignId: string): Promise<number | undefined> {
    const v = await this.redis.hget(keys(campaignId)[0]!, 'remaining');
    return v === null ? undefined : Number(v);
  }

  async repair(campaignId: string, seen: number, corrected: number): Promise<boolean> {
    return (await this.redis.eval(REPAIR, 2, ...keys(campaignId), seen, corrected)) === 1;
  }

  async forget(campaignId: string): Promise<void> {
    await this.redis.del(...keys(campaignId));
  }
}
