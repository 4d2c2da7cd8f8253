import { SMTPServer } from 'smtp-server';

/**
 * The bench's SMTP server (the `smtp-server` package) on loopback: it reads only each message's
 * Message-ID and notes when it accepted it, so that it takes little of the CPU the server under test
 * needs (the tests' TestSmtpServer parses every message with mailparser).
 */
export class SmtpSink {
  /** When each message was accepted (ms since the epoch), by Message-ID, and how many came in all. */
  readonly acceptedAt = new Map<string, number>();
  received = 0;
  #server: SMTPServer | undefined;
  url = '';

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        let head = '';
        stream.on('data', (chunk: Buffer) => {
          if (head.length < 8192) head += chunk.toString('latin1');
        });
        stream.on('end', () => {
          const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1];
          if (id) this.acceptedAt.set(id, Date.now());
          this.received++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = (server as unknown as { server: import('node:net').Server }).server.address() as {
      port: number;
    };
    this.url = `smtp://127.0.0.1:${port}`;
    this.#server = server;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
