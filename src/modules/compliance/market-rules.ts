import type { OrderPlacement } from '../orders/index.js';
import type { RequiredField, RuleConditions } from './market-rules.schemas.js';

/** A rule as placement checks it (active rules only are loaded). */
export interface LoadedRule {
  id: string;
  name: string;
  country: string;
  province: string | null;
  channels: string[] | null;
  conditions: RuleConditions;
}

export type RefusalReason =
  | 'missing_field'
  | 'identity_invalid'
  | 'identity_name_mismatch'
  | 'restricted_sku'
  | 'restricted_category'
  | 'currency_mismatch'
  | 'order_value_limit'
  | 'cod_limit'
  | 'yearly_value_limit';

export interface Refusal {
  rule: LoadedRule;
  reason: RefusalReason;
  message: string;
  field?: string;
}

/** What a yearly limit counts for this order: written by the order's statement, never past `limit`. */
export interface Charge {
  rule: LoadedRule;
  personKey: string;
  year: number;
  amount: number;
  limit: number;
}

export type Decision =
  | { ok: false; refusal: Refusal }
  | { ok: true; applied: LoadedRule[]; charges: Charge[]; keepIdentity: boolean };

const sameText = (a: string | null, b: string | null) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

type Line = OrderPlacement['lines'][number];

function inScope(rule: LoadedRule, line: Line): boolean {
  const d = line.destination;
  return d.country === rule.country && (rule.province === null || sameText(rule.province, d.province));
}

/** The rules that apply to an order: its channel, and at least one line shipped into their region. */
export function applicableRules(rules: readonly LoadedRule[], placement: OrderPlacement): LoadedRule[] {
  return rules.filter(
    (r) =>
      (r.channels === null || r.channels.includes(placement.channel)) &&
      placement.lines.some((l) => inScope(r, l)),
  );
}

/** A PRC resident identity number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character. */
export function validPrcResidentId(id: string): boolean {
  const v = id.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(v[i]), 0);
  return '10X98765432'[sum % 11] === v[17];
}

/** Names compared as people write them: case, spaces between parts and full-width spaces aside. */
const normalName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Makes the keyed pseudonym (platform/pseudonyms.ts) a person is counted under. */
export type Pseudonymize = (subject: string) => string;

/**
 * Who a yearly limit counts: the holder of the identity document when the rule asks for one, else the
 * e-mail; as a keyed pseudonym, so the ledger holds nothing a dictionary of e-mails could read back.
 */
export function personKey(rule: LoadedRule, placement: OrderPlacement, pseudonymize: Pseudonymize): string {
  const byIdentity = rule.conditions.requiredFields?.includes('buyerIdentity') && placement.buyerIdentity;
  return pseudonymize(
    byIdentity
      ? `id:${placement.buyerIdentity!.idNumber.toUpperCase()}`
      : `email:${placement.customer.email.trim().toLowerCase()}`,
  );
}

const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

function missingField(field: RequiredField, placement: OrderPlacement, lines: Line[]): string | undefined {
  switch (field) {
    case 'buyerIdentity':
      return placement.buyerIdentity ? undefined : 'buyerIdentity';
    case 'customer.name':
      return placement.customer.name?.trim() ? undefined : 'customer.name';
    case 'customer.phone':
      return placement.customer.phone?.trim() ? undefined : 'customer.phone';
    default: {
      const key = field.slice('address.'.length) as 'province' | 'district' | 'postalCode';
      return lines.every((l) => l.destination[key]) ? undefined : `addresses.*.${key}`;
    }
  }
}

/** The first thing a rule refuses in an order (lines in its region), or its charge if it has a yearly limit. */
function checkRule(
  rule: LoadedRule,
  placement: OrderPlacement,
  pseudonymize: Pseudonymize,
): { refusal: Refusal } | { charge: Charge | undefined } {
  const c = rule.conditions;
  const lines = placement.lines.filter((l) => inScope(rule, l));
  const refuse = (reason: RefusalReason, message: string, field?: string) => ({
    refusal: { rule, reason, message, ...(field ? { field } : {}) },
  });
  for (const required of c.requiredFields ?? []) {
    const missing = missingField(required, placement, lines);
    if (missing)
      return refuse('missing_field', `${missing} is required for orders to ${rule.country}`, missing);
  }
  const identity = placement.buyerIdentity;
  if (c.requiredFields?.includes('buyerIdentity') && identity) {
    if (rule.country === 'CN' && !validPrcResidentId(identity.idNumber))
      return refuse(
        'identity_invalid',
        'buyerIdentity.idNumber is not a valid resident identity number',
        'buyerIdentity.idNumber',
      );
    if (!placement.customer.name || normalName(identity.name) !== normalName(placement.customer.name))
      return refuse(
        'identity_name_mismatch',
        "the name on the buyer's identity document is not the order's customer name",
        'buyerIdentity.name',
      );
  }
  const sku = lines.find((l) => c.restrictedSkus?.includes(l.sku));
  if (sku) return refuse('restricted_sku', `${sku.sku} may not be shipped to this region`);
  const category = lines.find((l) => l.categoryId !== null && c.restrictedCategories?.includes(l.categoryId));
  if (category)
    return refuse(
      'restricted_category',
      `${category.sku} is of a category that may not be shipped to this region`,
    );

  const limited =
    c.orderValueLimit !== undefined || c.yearlyValueLimit !== undefined || c.codLimit !== undefined;
  if (!limited) return { charge: undefined };
  const currency = c.currency!;
  if (placement.currency !== currency)
    return refuse(
      'currency_mismatch',
      `the order is in ${placement.currency}; this rule's limits are in ${currency}`,
    );
  // What the buyer pays for the parcels going there: the whole order when every line does.
  const value =
    lines.length === placement.lines.length ? placement.grandTotal : lines.reduce((s, l) => s + l.value, 0);
  if (c.orderValueLimit !== undefined && value > c.orderValueLimit)
    return refuse(
      'order_value_limit',
      `the order is worth ${money(value, currency)}, more than ${money(c.orderValueLimit, currency)} per order`,
    );
  if (c.codLimit !== undefined && placement.paymentMethod === 'cod' && value > c.codLimit)
    return refuse(
      'cod_limit',
      c.codLimit === 0
        ? 'cash on delivery is not offered in this region'
        : `cash on delivery is offered up to ${money(c.codLimit, currency)}; the order is worth ${money(value, currency)}`,
    );
  if (c.yearlyValueLimit === undefined) return { charge: undefined };
  if (value > c.yearlyValueLimit)
    return refuse('yearly_value_limit', yearlyMessage(c.yearlyValueLimit, currency));
  return {
    charge: {
      rule,
      personKey: personKey(rule, placement, pseudonymize),
      year: placement.at.getUTCFullYear(),
      amount: value,
      limit: c.yearlyValueLimit,
    },
  };
}

export const yearlyMessage = (limit: number, currency: string) =>
  `the order would take this buyer past ${money(limit, currency)} ordered this year`;

/**
 * Every applicable rule's checks, in name order (so the answer is the same on every try): the first
 * refusal, or what the accepted order counts against yearly limits.
 */
export function decide(
  rules: readonly LoadedRule[],
  placement: OrderPlacement,
  pseudonymize: Pseudonymize,
): Decision {
  const applied = applicableRules(rules, placement);
  const charges: Charge[] = [];
  for (const rule of applied) {
    const result = checkRule(rule, placement, pseudonymize);
    if ('refusal' in result) return { ok: false, refusal: result.refusal };
    if (result.charge) charges.push(result.charge);
  }
  const keepIdentity = applied.some((r) => r.conditions.requiredFields?.includes('buyerIdentity'));
  return { ok: true, applied, charges, keepIdentity };
}
