/**
 * What a customer agreed to be contacted about, per category and channel — the one store of it
 * (notifications asks here before it makes a message; its unsubscribe links write here).
 * Transactional messages (about an order the customer placed: placed, paid, cancelled, refunds,
 * returns) cannot be switched off, so that category is never stored and always allowed. Delivery
 * updates and payment reminders are about the customer's own order: on until switched off. Marketing
 * is opt-in: off until the customer says so.
 */
export const CONTACT_CATEGORIES = ['transactional', 'delivery_updates', 'reminders', 'marketing'] as const;
export type ContactCategory = (typeof CONTACT_CATEGORIES)[number];
export const CONTACT_CHANNELS = ['email', 'sms'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** The categories a customer may switch. */
export const SWITCHABLE_CATEGORIES = [
  'delivery_updates',
  'reminders',
  'marketing',
] as const satisfies readonly ContactCategory[];
export type SwitchableCategory = (typeof SWITCHABLE_CATEGORIES)[number];

export const isSwitchableCategory = (category: string): category is SwitchableCategory =>
  (SWITCHABLE_CATEGORIES as readonly string[]).includes(category);

/** As stored: only what the customer chose; anything absent is the default. */
export type ContactPreferences = Partial<
  Record<SwitchableCategory, Partial<Record<ContactChannel, boolean>>>
>;

/** The answer when the customer chose nothing: opt-out for their own orders' news, opt-in for marketing. */
export const CONTACT_DEFAULTS: Readonly<Record<SwitchableCategory, boolean>> = {
  delivery_updates: true,
  reminders: true,
  marketing: false,
};

/** Whether a customer may be sent `category` over `channel`. */
export function mayContact(
  preferences: ContactPreferences,
  category: ContactCategory,
  channel: ContactChannel,
): boolean {
  if (category === 'transactional') return true;
  return preferences[category]?.[channel] ?? CONTACT_DEFAULTS[category];
}

/** Every category × channel with its answer, as the API shows it. */
export function effectivePreferences(preferences: ContactPreferences) {
  return Object.fromEntries(
    CONTACT_CATEGORIES.map((category) => [
      category,
      Object.fromEntries(CONTACT_CHANNELS.map((ch) => [ch, mayContact(preferences, category, ch)])),
    ]),
  ) as Record<ContactCategory, Record<ContactChannel, boolean>>;
}

/** The stored preferences with `changes` applied (a switchable category's channels). */
export function withPreferences(
  preferences: ContactPreferences,
  changes: ContactPreferences,
): ContactPreferences {
  const next: ContactPreferences = { ...preferences };
  for (const category of SWITCHABLE_CATEGORIES) {
    if (changes[category]) next[category] = { ...preferences[category], ...changes[category] };
  }
  return next;
}
