import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type RelayEvent, structuredCloudEvent } from '../cloud-event.js';
import { DeliveryFailure, type DeliveryTarget, type Transport } from './transport.js';
import { signatureHeaders } from './webhook-signature.js';
import { hostOf, TargetRefused, WebhookTargets } from './webhook-targets.js';

/**
 * Webhooks: the event as a structured CloudEvents JSON body, signed the Standard Webhooks way, POSTed to
 * the subscription's URL. A 2xx within the timeout is a delivery; anything else (another status, a
 * refused connection, no answer in time) is a failed attempt. Redirects are not followed. Only the
 * addresses `targets` allows are connected to, checked on every connection. The delivery log keeps the
 * status and a reason of our own words, never the receiver's body or which way a connection failed:
 * it must not become a window into whatever answers at a URL.
 */
export class WebhookTransport implements Transport {
  readonly kind = 'webhook' as const;
  // Keep-alive connections, a bounded number per endpoint, so a burst reuses sockets.
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(
    private readonly timeoutMs: number,
    maxConnections = 128,
    private readonly targets = new WebhookTargets(),
  ) {
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets: maxConnections });
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets: maxConnections });
  }

  ready(): boolean {
    return true;
  }

  // Parsed once per endpoint: a burst sends thousands of requests to the same URL.
  readonly #endpoints = new Map<string, { secure: boolean; hostname: string; port: string; path: string }>();

  #endpoint(url: string) {
    let endpoint = this.#endpoints.get(url);
    if (!endpoint) {
      const u = new URL(url);
      endpoint = {
        secure: u.protocol === 'https:',
        hostname: hostOf(u),
        port: u.port,
        path: u.pathname + u.search,
      };
      if (this.#endpoints.size > 1000) this.#endpoints.clear();
      this.#endpoints.set(url, endpoint);
    }
    return endpoint;
  }

  send(target: DeliveryTarget, event: RelayEvent): Promise<void> {
    if (!target.url) return Promise.reject(new DeliveryFailure('the subscription has no URL', 'rejected'));
    const { secure, hostname, port, path } = this.#endpoint(target.url);
    // An address in the URL is never looked up, so it is checked here; a name is checked in `lookup`.
    const refusal = net.isIP(hostname) ? this.targets.addressRefusal(hostname) : null;
    if (refusal) return Promise.reject(new DeliveryFailure(refusal, 'rejected'));
    const body = structuredCloudEvent(event);
    const headers = {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'OrderSync-Webhooks/1',
      ...signatureHeaders(event.id, body, target.secrets),
    };
    return new Promise<void>((resolve, reject) => {
      const request = (secure ? https : http).request(
        {
          method: 'POST',
          hostname,
          port,
          path,
          headers,
          agent: secure ? this.#httpsAgent : this.#httpAgent,
          lookup: this.targets.lookup,
          timeout: this.timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          response.resume();
          response.on('end', () => {
            clearTimeout(deadline);
            if (status >= 200 && status < 300) return resolve();
            reject(
              new DeliveryFailure(
                `HTTP ${status} ${http.STATUS_CODES[status] ?? ''}`.trim(),
                'rejected',
                status,
              ),
            );
          });
          response.on('error', () => {
            clearTimeout(deadline);
            reject(new DeliveryFailure(`HTTP ${status}: the answer broke off`, 'rejected', status));
          });
        },
      );
      // The socket timeout only covers idleness; this one covers the whole exchange, from the moment a
      // connection is ours (time waiting for a free connection is not the receiver's).
      let deadline: NodeJS.Timeout | undefined;
      request.once('socket', () => {
        deadline = setTimeout(
          () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on('error', (error) => {
        clearTimeout(deadline);
        const reason =
          error instanceof TargetRefused
            ? error.message
            : `no answer (no connection, or none within ${this.timeoutMs} ms)`;
        reject(new DeliveryFailure(reason, 'rejected'));
      });
      request.end(body);
    });
  }

  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}
