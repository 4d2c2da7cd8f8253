import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { NotificationConfig } from '../../platform/notification-config.js';
import {
  CONTACT_CHANNELS,
  type ContactChannel,
  customerForOrder,
  findCustomer,
  findCustomerByEmail,
  isSwitchableCategory,
  type SwitchableCategory,
  setContactPreference,
} from '../customers/index.js';
import { generatedSecret } from './notifications.repository.js';
import { signUnsubscribe, type UnsubscribeClaim, verifyUnsubscribe } from './unsubscribe-token.js';

const secrets = new WeakMap<Db, Promise<string>>();

/** UNSUBSCRIBE_SECRET, or a key generated once for the deployment and kept in the database. */
export function unsubscribeSecret(db: Db, config: NotificationConfig): Promise<string> {
  if (config.unsubscribeSecret) return Promise.resolve(config.unsubscribeSecret);
  let secret = secrets.get(db);
  if (!secret) {
    secret = generatedSecret(db, 'unsubscribe', randomBytes(32).toString('base64url'));
    secrets.set(db, secret);
  }
  return secret;
}

export async function unsubscribeUrl(
  db: Db,
  config: NotificationConfig,
  claim: UnsubscribeClaim,
): Promise<string> {
  const token = signUnsubscribe(await unsubscribeSecret(db, config), claim);
  return `${config.publicUrl}/v1/unsubscribe?token=${token}`;
}

/** What a genuine link switches off. */
export interface Unsubscription {
  customerKey: string;
  category: SwitchableCategory;
  channels: ContactChannel[];
}

const invalidToken = (message: string) =>
  new AppError('validation_failed', 'The unsubscribe link is not valid', {
    errors: [{ field: 'token', message }],
  });

/** What a token would switch off; a forged or altered one is a 400 and changes nothing. */
export async function readUnsubscribeToken(
  db: Db,
  config: NotificationConfig,
  token: string,
): Promise<Unsubscription> {
  const claim = verifyUnsubscribe(await unsubscribeSecret(db, config), token);
  if (!claim) throw invalidToken('not a valid unsubscribe token');
  if (claim.category === 'transactional')
    throw new AppError('unprocessable', 'Transactional messages cannot be switched off');
  if (!isSwitchableCategory(claim.category)) throw invalidToken(`no category ${claim.category}`);
  const channel = CONTACT_CHANNELS.find((c) => c === claim.channel);
  if (claim.channel && !channel) throw invalidToken(`no channel ${claim.channel}`);
  return {
    customerKey: claim.customerKey,
    category: claim.category,
    channels: channel ? [channel] : [...CONTACT_CHANNELS],
  };
}

/**
 * The customer a link was made for: links carry the customer's id; ones made for a buyer not yet
 * known as a customer carried the e-mail in lower case, or `order:<id>`.
 */
async function customerOfKey(db: Db, key: string) {
  if (key.startsWith('order:')) return customerForOrder(db, key.slice('order:'.length));
  if (key.includes('@')) return findCustomerByEmail(db, key);
  return findCustomer(db, key);
}

/**
 * The one-click unsubscribe (RFC 8058): the category is switched off in the customer's contact
 * preferences (customers' store, so GET /v1/customers/{id} shows it), on the link's channel.
 */
export async function unsubscribe(
  db: Db,
  config: NotificationConfig,
  token: string,
): Promise<Unsubscription> {
  const what = await readUnsubscribeToken(db, config, token);
  const customer = await customerOfKey(db, what.customerKey);
  if (!customer) throw notFound('Customer', what.customerKey);
  await inTransaction(db, (trx) =>
    setContactPreference(trx, customer.id, what.category, what.channels, false, 'unsubscribe link'),
  );
  return what;
}
