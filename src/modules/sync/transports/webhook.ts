import http from 'node:http';
import https from 'node:https';
import { type RelayEvent, structuredCloudEvent } from '../relay/relay-event.js';
import { DeliveryFailure, type DeliveryTarget, type Transport } from './transport.js';
import { signatureHeaders } from './webhook-signature.js';

/** Bytes of a response body kept for the delivery log. */
const ERROR_BODY_BYTES = 300;

/**
 * Webhooks: the event as a structured CloudEvents JSON body, signed the Standard Webhooks way, POSTed to
 * the subscription's URL. A 2xx within the timeout is a delivery; anything else (another status, a
 * refused connection, no answer in time) is a failed attempt. Redirects are not followed.
 */
export class WebhookTransport implements Transport {
  readonly kind = 'webhook' as const;
  // Keep-alive connections, a bounded number per endpoint, so a burst reuses sockets.
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;

  constructor(
    private readonly timeoutMs: number,
    maxConnections = 128,
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
        hostname: u.hostname,
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
          timeout: this.timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let kept = 0;
          response.on('data', (chunk: Buffer) => {
            if (kept < ERROR_BODY_BYTES) chunks.push(chunk);
            kept += chunk.length;
          });
          response.on('end', () => {
            clearTimeout(deadline);
            if (status >= 200 && status < 300) return resolve();
            const text = Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_BYTES);
            reject(new DeliveryFailure(`HTTP ${status}${text ? `: ${text}` : ''}`, 'rejected', status));
          });
          response.on('error', (error) => {
            clearTimeout(deadline);
            reject(new DeliveryFailure(error.message, 'rejected', status));
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
        reject(new DeliveryFailure(error.message, 'rejected'));
      });
      request.end(body);
    });
  }

  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}
