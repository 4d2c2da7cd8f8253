import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { envReader } from './env-reader.js';

/** The relay and its transports. Every value has a default that suits one machine. */
export interface SyncConfig {
  /** RabbitMQ URL; without it the `amqp` transport and the command consumer are off. */
  amqpUrl: string | undefined;
  /** NATS URL (JetStream enabled); without it the `nats` transport is off. */
  natsUrl: string | undefined;
  /** The durable topic exchange events are published to. */
  amqpExchange: string;
  /** The durable queue OrderSync consumes commands from (WMS stock counts, …). */
  amqpCommandQueue: string;
  /** The JetStream stream over `ordersync.>`. */
  natsStream: string;
  /** Run the relay inside `serve` (the embedded default); production API processes may turn it off. */
  relayInProcess: boolean;
  /**
   * `ordersync worker`'s OS priority (nice, 0–19; WORKER_NICE, default 0): above 0 a worker on the
   * API's cores yields them to the order path while they are saturated and catches up after.
   */
  workerNice: number;
  /** Deliveries claimed per round. */
  relayBatchSize: number;
  /** How often an idle relay looks for work when nothing woke it, in milliseconds. */
  relayPollIntervalMs: number;
  /** How long a claim holds a delivery before another relay may take it over (crash recovery). */
  relayLeaseMs: number;
  /** Multiplies every retry delay: 1 in production, tiny in tests. */
  retryScale: number;
  /** A webhook that has not answered within this many milliseconds has failed. */
  webhookTimeoutMs: number;
  /** Connections a relay keeps open to one webhook endpoint (requests in flight at most). */
  webhookMaxConnections: number;
  /** A subscription whose deliveries have only failed for this long is disabled. */
  disableAfterSeconds: number;
  /**
   * Host names, addresses and CIDR ranges webhooks may go to besides public addresses (loopback and
   * private receivers, tests): WEBHOOK_ALLOWED_HOSTS, comma-separated.
   */
  webhookAllowedHosts: string[];
}

/** One entry of WEBHOOK_ALLOWED_HOSTS: a host name, an address or a CIDR range. */
const isAllowListEntry = (entry: string): boolean =>
  ipaddr.isValidCIDR(entry) ||
  net.isIP(entry) !== 0 ||
  /^(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(entry);

/** Reads the sync settings; problems are added to the caller's list. */
export function loadSyncConfig(env: NodeJS.ProcessEnv, problems: string[]): SyncConfig {
  const { url, int, name, duration } = envReader(env, problems);

  const scaleRaw = env.RELAY_RETRY_SCALE;
  let retryScale = 1;
  if (scaleRaw !== undefined && scaleRaw !== '') {
    retryScale = Number(scaleRaw);
    if (!Number.isFinite(retryScale) || retryScale <= 0 || retryScale > 1) {
      problems.push(`RELAY_RETRY_SCALE=${JSON.stringify(scaleRaw)}: expected a number above 0, at most 1`);
      retryScale = 1;
    }
  }
  const inProcess = env.RELAY_IN_PROCESS ?? 'true';
  if (!['true', 'false'].includes(inProcess)) problems.push('RELAY_IN_PROCESS: expected true or false');
  const disableAfterSeconds = duration('WEBHOOK_DISABLE_AFTER', 5 * 86400, '5d or 12h');
  const webhookAllowedHosts = (env.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const notEntries = webhookAllowedHosts.filter((e) => !isAllowListEntry(e));
  if (notEntries.length > 0) {
    problems.push(
      `WEBHOOK_ALLOWED_HOSTS: ${notEntries.map((e) => JSON.stringify(e)).join(', ')} is not a host name, address or CIDR range`,
    );
  }

  return {
    amqpUrl: url('AMQP_URL', /^amqps?:\/\//, 'an amqp:// or amqps:// URL'),
    natsUrl: url('NATS_URL', /^(nats|tls):\/\/|^[\w.-]+:\d+$/, 'a nats:// URL or host:port'),
    amqpExchange: name('AMQP_EXCHANGE', 'ordersync.events'),
    amqpCommandQueue: name('AMQP_COMMAND_QUEUE', 'ordersync.commands'),
    natsStream: name('NATS_STREAM', 'ORDERSYNC'),
    relayInProcess: inProcess === 'true',
    workerNice: int('WORKER_NICE', 0, 0, 19),
    relayBatchSize: int('RELAY_BATCH_SIZE', 1000, 1, 10_000),
    relayPollIntervalMs: int('RELAY_POLL_INTERVAL_MS', 50, 5, 60_000),
    relayLeaseMs: int('RELAY_LEASE_MS', 60_000, 500, 3_600_000),
    retryScale,
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 50, 120_000),
    webhookMaxConnections: int('WEBHOOK_MAX_CONNECTIONS', 128, 1, 1024),
    disableAfterSeconds,
    webhookAllowedHosts,
  };
}
