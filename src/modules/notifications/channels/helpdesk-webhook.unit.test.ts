import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookTargets } from '../../sync/index.js';
import type { OutgoingMessage } from './channel.js';
import { PermanentFailure } from './channel.js';
import { HelpdeskChannel } from './helpdesk-webhook.js';

const SECRET = 'helpdesk-test-secret-0123456789abcdef';

/** A helpdesk as its vendor would write one: verifies the Standard Webhooks signature (401 if not). */
function startHelpdesk() {
  const tickets: Array<Record<string, unknown>> = [];
  let refused = 0;
  const verifier = new Webhook(Buffer.from(SECRET).toString('base64'));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        tickets.push(verifier.verify(body, req.headers as Record<string, string>) as Record<string, unknown>);
        res.writeHead(201).end();
      } catch {
        refused++;
        res.writeHead(401).end();
      }
    });
  });
  return {
    tickets,
    refused: () => refused,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const message: OutgoingMessage = {
  id: '0193a8f0-0000-7000-8000-000000000001',
  kind: 'order_cancelled',
  orderId: '0193a8f0-0000-7000-8000-0000000000aa',
  recipient: '',
  subject: 'Order SO-1 cancelled',
  body: 'The buyer’s order was cancelled.',
  smsTemplateCode: null,
  smsParams: null,
  unsubscribeUrl: null,
};

describe('the helpdesk webhook channel', () => {
  const helpdesk = startHelpdesk();
  beforeAll(() => helpdesk.listen());
  afterAll(() => helpdesk.close());

  it('posts a signed ticket the helpdesk verifies, to a loopback address the SSRF guard allows', async () => {
    const channel = new HelpdeskChannel(helpdesk.url(), SECRET, new WebhookTargets(['127.0.0.0/8']));
    await channel.send(message);
    expect(helpdesk.tickets).toEqual([
      {
        type: 'order_cancelled',
        notificationId: message.id,
        orderId: message.orderId,
        subject: message.subject,
        body: message.body,
      },
    ]);
  });

  it('refuses for good an address the SSRF guard does not allow, sending nothing', async () => {
    const before = helpdesk.tickets.length;
    const channel = new HelpdeskChannel(helpdesk.url(), SECRET, new WebhookTargets([]));
    await expect(channel.send(message)).rejects.toBeInstanceOf(PermanentFailure);
    expect(helpdesk.tickets.length).toBe(before);
  });

  it('fails (to be tried again) when the helpdesk does not accept the signature', async () => {
    const channel = new HelpdeskChannel(
      helpdesk.url(),
      'another-secret-0123456789abcdef',
      new WebhookTargets(['127.0.0.0/8']),
    );
    await expect(channel.send(message)).rejects.toThrow(/HTTP 401/);
    expect(helpdesk.refused()).toBe(1);
  });
});
