import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ChannelModel, type ConsumeMessage, connect } from 'amqplib';

const run = promisify(execFile);

/**
 * Closes, from the broker side, every connection whose client-given name starts with `prefix`: what a
 * broker restart or `rabbitmqctl close_all_connections` does to a client, limited to this test's own
 * connections so test files running side by side do not cut each other's. Returns how many it closed.
 */
export async function closeConnectionsNamed(prefix: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    'pid',
    'client_properties',
    '-q',
    '--no-table-headers',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${prefix}`))
    .map((line) => line.split('\t')[0]!);
  await Promise.all(
    pids.map((pid) => run('rabbitmqctl', ['close_connection', pid, 'test: broker-side close'])),
  );
  return pids.length;
}

export interface ConsumedMessage {
  routingKey: string;
  messageId: string;
  headers: Record<string, unknown>;
  properties: ConsumeMessage['properties'];
  body: unknown;
}

/** A consumer on its own connection: an exclusive queue bound to `exchange` with `#`. */
export async function startConsumer(url: string, exchange: string, name: string) {
  const connection: ChannelModel = await connect(url, { clientProperties: { connection_name: name } });
  connection.on('error', () => {});
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  const messages: ConsumedMessage[] = [];
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return;
      messages.push({
        routingKey: msg.fields.routingKey,
        messageId: String(msg.properties.messageId),
        headers: (msg.properties.headers ?? {}) as Record<string, unknown>,
        properties: msg.properties,
        body: JSON.parse(msg.content.toString('utf8')),
      });
    },
    { noAck: true },
  );
  return {
    messages,
    async close() {
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close().catch(() => {});
    },
  };
}

/** Publishes one command to a queue the way a WMS would (durable queue, persistent message). */
export async function publishCommands(
  url: string,
  queue: string,
  messages: Array<{ content: unknown; properties: Record<string, unknown> }>,
): Promise<void> {
  const connection = await connect(url);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  for (const m of messages) {
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(m.content)), { persistent: true, ...m.properties });
  }
  await channel.waitForConfirms();
  await connection.close();
}

/** Removes what a test declared on the broker (durable objects outlive the test otherwise). */
export async function deleteBrokerObjects(
  url: string,
  objects: { exchanges?: string[]; queues?: string[] },
): Promise<void> {
  const connection = await connect(url);
  const channel = await connection.createChannel();
  for (const queue of objects.queues ?? []) await channel.deleteQueue(queue);
  for (const exchange of objects.exchanges ?? []) await channel.deleteExchange(exchange);
  await connection.close();
}
