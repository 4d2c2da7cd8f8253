/**
 * Field names that hold personal data (contact, names, street addresses, identity documents) or
 * secrets, wherever they appear in a request body or a log object. The audit trail stores bodies
 * without them and the logger redacts them, so neither becomes a copy an erasure would have to find.
 */
export const PERSONAL_FIELDS = [
  'email',
  'phone',
  'name',
  'firstName',
  'lastName',
  'fullName',
  'line1',
  'line2',
  'street',
  'address1',
  'address2',
  'postalCode',
  'nationalId',
  'idNumber',
  'idName',
] as const;

export const SECRET_FIELDS = [
  'key',
  'secret',
  'signingSecret',
  'password',
  'token',
  'accessToken',
  'authorization',
  'cardNumber',
  'cvv',
] as const;

/**
 * Free text people write about people (a support note's `body`, an order's `note`): personal data by
 * nature, whatever words it uses. Where it is a string, the audit trail keeps it out as well, so that
 * the append-only trail never holds what an erasure would have to reach (docs/privacy.md).
 */
export const FREE_TEXT_FIELDS = ['note', 'body', 'comment'] as const;

/**
 * `name` names a person only where it belongs to one: a customer, a buyer's identity, an address's
 * recipient. A market rule's, product's, warehouse's or channel's name is the staff's own wording and
 * stays in the audit trail. It is personal in an object holding other personal fields (an address, a
 * contact), below one of these keys, and anywhere in a record about a person (PEOPLE_RESOURCES).
 */
const AMBIGUOUS_FIELDS = new Set(['name']);
export const PERSON_KEYS = [
  'customer',
  'customers',
  'buyer',
  'buyerIdentity',
  'identity',
  'recipient',
  'contact',
  'address',
  'addresses',
  'shippingAddress',
  'billingAddress',
  'shipping_address',
  'billing_address',
] as const;
/** Audit resources that are people: every `name` in their records is a person's. */
export const PEOPLE_RESOURCES = ['customer', 'customers'] as const;

const HIDDEN = new Set<string>([...PERSONAL_FIELDS, ...SECRET_FIELDS].map((f) => f.toLowerCase()));
// a personal field beside `name` makes the object a person's (a secret does not: an API key has a name)
const UNAMBIGUOUS = new Set(
  PERSONAL_FIELDS.map((f) => f.toLowerCase()).filter((f) => !AMBIGUOUS_FIELDS.has(f)),
);
const PERSONS = new Set<string>(PERSON_KEYS.map((k) => k.toLowerCase()));
const PEOPLE = new Set<string>(PEOPLE_RESOURCES);
const FREE_TEXT = new Set<string>(FREE_TEXT_FIELDS);

export const REDACTED = '[redacted]';

function redact(value: unknown, aboutPerson: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => redact(v, aboutPerson));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const entries = Object.entries(value);
  const person = aboutPerson || entries.some(([k]) => UNAMBIGUOUS.has(k.toLowerCase()));
  return Object.fromEntries(
    entries.map(([k, v]) => {
      const key = k.toLowerCase();
      const hidden = AMBIGUOUS_FIELDS.has(key) ? person && typeof v !== 'object' : HIDDEN.has(key);
      return [
        k,
        hidden || (FREE_TEXT.has(k) && typeof v === 'string')
          ? REDACTED
          : redact(v, aboutPerson || PERSONS.has(key)),
      ];
    }),
  );
}

/**
 * A copy of `value` with every personal, secret or free-text field (at any depth) replaced by
 * `[redacted]`; `resource` (the audit record's) says whether the whole record is about a person.
 */
export function withoutPersonalData(value: unknown, resource?: string): unknown {
  return redact(value, resource !== undefined && PEOPLE.has(resource));
}
