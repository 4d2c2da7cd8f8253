import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as amqpConnect } from 'amqplib';
import { DeliverPolicy, connect as natsConnect } from 'nats';

/**
 * A receiver notes when each event arrived, by subject (the bench gives every event its own order, so
 * the subject names the event), on one clock: performance.now() of this process, where the producer
 * also notes each commit.
 */
export interface Receiver {
  /** First receipt per subject. */
  arrivals: Map<string, number>;
  received(): number;
  close(): Promise<void>;
}

function recorder() {
  const arrivals = new Map<string, number>();
  let count = 0;
  return {
    arrivals,
    note(subject: string) {
      count++;
      if (!arrivals.has(subject)) arrivals.set(subject, performance.now());
    },
    received: () => count,
  };
}

/** A plain HTTP endpoint answering 204; it parses each body (as any receiver would) but does not verify. */
export async function webhookReceiver(): Promise<Receiver & { url: string }> {
  const r = recorder();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.note(JSON.parse(Buffer.concat(chunks).toString('utf8')).subject);
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals: r.arrivals,
    received: r.received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A queue bound to the exchange with `#`, consumed without acks. */
export async function amqpReceiver(url: string, exchange: string): Promise<Receiver> {
  const r = recorder();
  const connection = await amqpConnect(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, exchange, '#');
  await channel.consume(
    queue,
    (msg) => {
      if (msg) r.note(String(msg.properties.headers?.['cloudEvents:subject']));
    },
    { noAck: true },
  );
  return { arrivals: r.arrivals, received: r.received, close: () => connection.close() };
}

/** An ordered JetStream consumer over the stream, from now on. */
export async function natsReceiver(servers: string, stream: string): Promise<Receiver> {
  const r = recorder();
  const nc = await natsConnect({ servers: servers.replace('nats://', '') });
  const consumer = await nc.jetstream().consumers.get(stream, {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date().toISOString(),
  });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) r.note(m.json<{ subject: string }>().subject);
  })();
  return { arrivals: r.arrivals, received: r.received, close: () => nc.close() };
}
