import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookTargets } from '../../sync/index.js';
import type { NotificationChannel, OutgoingMessage } from './channel.js';
import { PermanentFailure } from './channel.js';

/**
 * A customer-service system's webhook, so its helpdesk can open a ticket: a JSON POST signed the
 * Standard Webhooks way (as OrderSync's event webhooks are), only to addresses the SSRF guard allows
 * (WEBHOOK_ALLOWED_HOSTS), checked on every connection.
 */
export class HelpdeskChannel implements NotificationChannel {
  readonly #webhook: Webhook;

  constructor(
    private readonly url: string,
    secret: string,
    private readonly targets: WebhookTargets,
    private readonly timeoutMs = 10_000,
  ) {
    this.#webhook = new Webhook(
      secret.startsWith('whsec_') ? secret.slice(6) : Buffer.from(secret).toString('base64'),
    );
  }

  async send(m: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    const u = new URL(this.url);
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const refusal = net.isIP(host) ? this.targets.addressRefusal(host) : null;
    if (refusal) throw new PermanentFailure(`helpdesk webhook refused: ${refusal}`);
    const body = JSON.stringify({
      type: m.kind,
      notificationId: m.id,
      orderId: m.orderId,
      subject: m.subject,
      body: m.body,
    });
    const now = new Date();
    const signature = this.#webhook.sign(m.id, now, body);
    const status = await new Promise<number>((resolve, reject) => {
      const request = (u.protocol === 'https:' ? https : http).request(
        u,
        {
          method: 'POST',
          lookup: this.targets.lookup,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'webhook-id': m.id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      request.on('timeout', () => request.destroy(new Error('the helpdesk did not answer in time')));
      request.on('error', reject);
      request.end(body);
    });
    if (status < 200 || status >= 300) throw new Error(`helpdesk webhook answered HTTP ${status}`);
    return { providerMessageId: null };
  }
}
