import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationChannel, OutgoingMessage } from './channel.js';
import { PermanentFailure } from './channel.js';

/**
 * E-mail over SMTP with nodemailer's pooled transport (connections kept open and reused). The
 * Message-ID is the notification's id, so a message sent twice (a crash after the server's 250) is
 * recognisably the same. Anything that can be unsubscribed from carries List-Unsubscribe with the
 * one-click POST of RFC 8058.
 */
export class EmailChannel implements NotificationChannel {
  readonly #transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    maxConnections: number,
  ) {
    const url = new URL(smtpUrl);
    this.#transport = nodemailer.createTransport({
      pool: true,
      maxConnections,
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(m: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    const messageId = `<${m.id}@ordersync>`;
    try {
      const info = await this.#transport.sendMail({
        from: this.from,
        to: m.recipient,
        subject: m.subject ?? '',
        text: m.body,
        messageId,
        headers: {
          'X-OrderSync-Notification': m.id,
          ...(m.unsubscribeUrl
            ? {
                'List-Unsubscribe': `<${m.unsubscribeUrl}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
              }
            : {}),
        },
      });
      return { providerMessageId: info.messageId ?? messageId };
    } catch (error) {
      // A 5xx to the recipient is the server's final word on that address; anything else may pass later.
      const code = (error as { responseCode?: number }).responseCode;
      if (code && code >= 500 && (error as { command?: string }).command === 'RCPT TO')
        throw new PermanentFailure(`the SMTP server refused the recipient (${code})`);
      throw error;
    }
  }

  close(): void {
    this.#transport.close();
  }
}
