import type { Db } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { channelWebhookSecret } from './channel-accounts.js';
import { insertDelivery } from './channel-deliveries.repository.js';
import type { ChannelSecrets } from './channel-secrets.js';
import { findChannelById } from './channels.repository.js';
import type { ChannelKind } from './channels.tables.js';
import { signatureMatches } from './webhook-signature.js';
import { readDelivery, takesTopic } from './webhook-topics.js';

export interface WebhookHeaders {
  signature: string | undefined;
  topic: string | undefined;
  deliveryId: string | undefined;
}

export type WebhookReceipt = { outcome: 'queued' | 'duplicate' | 'ignored' | 'ping' };

// WooCommerce pings a new webhook's URL with this form body, unsigned, and wants a 2xx to save it.
const WOO_PING = /^webhook_id=\d{1,20}$/;

/**
 * A channel's webhook: its signature checked over the exact bytes received (constant time) before
 * anything is parsed, the body read just enough to refuse what cannot be applied (4xx, nothing
 * kept), then kept once per delivery id for the delivery job (channel-deliveries.ts). Nothing is
 * applied here: the channel is answered at once.
 */
export async function receiveWebhook(
  db: Db,
  secrets: ChannelSecrets,
  kind: ChannelKind,
  channelId: string,
  headers: WebhookHeaders,
  body: string,
): Promise<WebhookReceipt> {
  const channel = await findChannelById(db, channelId);
  // one answer for "no such channel" and "a channel of another kind": the URL is the only secret-free part
  if (!channel || channel.kind !== kind) throw new AppError('not_found', `No ${kind} channel ${channelId}`);
  if (kind === 'woocommerce' && headers.signature === undefined && WOO_PING.test(body))
    return { outcome: 'ping' };
  const secret = channelWebhookSecret(secrets, channel);
  if (!secret || !signatureMatches(headers.signature, secret, body)) {
    throw new AppError('unauthorized', 'The webhook signature does not match the body');
  }
  if (!channel.enabled) throw new AppError('conflict', 'The channel is disabled; its webhooks are refused');
  if (!headers.topic)
    throw new AppError('validation_failed', 'The delivery names no topic', {
      errors: [{ field: 'headers', message: 'topic header missing' }],
    });
  if (!takesTopic(kind, headers.topic)) return { outcome: 'ignored' };
  if (!headers.deliveryId) {
    throw new AppError('validation_failed', 'The delivery has no id', {
      errors: [{ field: 'headers', message: 'delivery id header missing' }],
    });
  }
  readDelivery(kind, headers.topic, body);
  const { duplicate } = await insertDelivery(db, {
    channelId,
    deliveryId: headers.deliveryId.slice(0, 200),
    topic: headers.topic,
    body,
  });
  return { outcome: duplicate ? 'duplicate' : 'queued' };
}
