/** What a buyer can be told, and how: the kinds of notification, their categories and channels. */
import { CONTACT_CATEGORIES, type ContactCategory } from '../customers/index.js';

export { CHANNELS, type Channel } from './notification-channels.js';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The categories are customers' contact categories (customers keeps what a buyer agreed to):
 * transactional messages answer something the buyer did and cannot be switched off; the others can
 * (their e-mails carry List-Unsubscribe). Delivery updates are useful but not owed; reminders too.
 */
export const CATEGORIES = CONTACT_CATEGORIES;
export type Category = ContactCategory;

interface KindInfo {
  category: Category;
  /** Urgent SMS go out in quiet hours too (a payment reminder that waited would miss its deadline). */
  urgent: boolean;
  /** What the template may use besides order, customer and links (checked at save time). */
  has: ReadonlyArray<'shipment' | 'refund' | 'return' | 'payment'>;
}

export const KINDS = {
  order_placed: { category: 'transactional', urgent: true, has: [] },
  order_paid: { category: 'transactional', urgent: true, has: [] },
  order_shipped: { category: 'delivery_updates', urgent: false, has: ['shipment'] },
  out_for_delivery: { category: 'delivery_updates', urgent: false, has: ['shipment'] },
  order_delivered: { category: 'delivery_updates', urgent: false, has: [] },
  order_cancelled: { category: 'transactional', urgent: true, has: [] },
  refund_issued: { category: 'transactional', urgent: true, has: ['refund'] },
  return_approved: { category: 'transactional', urgent: true, has: ['return'] },
  return_received: { category: 'transactional', urgent: true, has: ['return'] },
  payment_reminder: { category: 'reminders', urgent: true, has: ['payment'] },
} as const satisfies Record<string, KindInfo>;
export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as Kind[];

export const isTransactional = (kind: Kind): boolean => KINDS[kind].category === 'transactional';
