import type { Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server (the `smtp-server` package) on loopback, keeping every message it accepted,
 * parsed by `mailparser`. `kill()` drops it as a crash would (the port refuses, open connections are
 * cut, a message in flight is not accepted); `restart()` brings it back on the same port.
 */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  /** When each message was accepted (ms since the epoch), by Message-ID. */
  readonly acceptedAt = new Map<string, number>();
  /** Recipients this server refuses for good (550). */
  readonly refuse = new Set<string>();
  #server: SMTPServer | undefined;
  #sockets = new Set<Socket>();
  #down = false;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.#down = false;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 1024 * 1024,
      onRcptTo: (address, _session, callback) => {
        if (this.refuse.has(address.address)) {
          const error = new Error('mailbox unavailable') as Error & { responseCode: number };
          error.responseCode = 550;
          return callback(error);
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            if (this.#down) return callback(new Error('shutting down'));
            this.messages.push(mail);
            if (mail.messageId) this.acceptedAt.set(mail.messageId, Date.now());
            callback();
          })
          .catch(callback);
      },
    });
    server.on('error', () => undefined);
    const net = (server as unknown as { server: import('node:net').Server }).server;
    net.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      net.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (net.address() as { port: number }).port;
    this.#server = server;
    return this;
  }

  /** Gone at once: nothing more is accepted, the port refuses, open connections are cut. */
  async kill(): Promise<void> {
    this.#down = true;
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const net = (server as unknown as { server: import('node:net').Server }).server;
    const closed = new Promise<void>((resolve) => net.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  restart(): Promise<this> {
    return this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** The messages sent to one address. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((t) => t.value.some((v) => v.address === address));
    });
  }
}
