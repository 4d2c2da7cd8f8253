import { PERSONAL_FIELDS } from '../../platform/privacy/personal-fields.js';

/** What an erased value becomes, wherever it was copied. */
export const ERASED = '[erased]';

const PERSONAL_KEYS = new Set<string>(
  [
    ...PERSONAL_FIELDS,
    'first_name',
    'last_name',
    'address1',
    'address2',
    'zip',
    'customer_email',
    'recipient',
  ].map((f) => f.toLowerCase()),
);

/** What a customer's personal data looked like where it was given: names, e-mails, phones, streets. */
export interface PersonalValues {
  texts: string[];
  phones: string[];
}

// A run of digits with the separators phones are written with: `+86 138-0013-8000`, `(555) 625 1199`.
const DIGIT_RUN = /\(?\+?\d[\d\s().-]{5,}\d/g;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phone's digits as it is compared: without a leading 86 country code (China's national form). */
const phoneDigits = (phone: string): string => {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
};

/**
 * Replaces one customer's personal data in copies of it: any text that contains one of their values
 * (case-insensitive), any phone in any spelling (its digits end with theirs), and in JSON every field
 * named as personal (`email`, `phone`, `name`, `line1`, `address1`, …) whatever it holds.
 */
export class Scrubber {
  readonly #texts: RegExp | undefined;
  readonly #phones: string[];

  constructor(values: PersonalValues) {
    const texts = [...new Set(values.texts.map((t) => t.trim()).filter((t) => t.length >= 3))].sort(
      (a, b) => b.length - a.length,
    );
    this.#texts = texts.length > 0 ? new RegExp(texts.map(escapeRegExp).join('|'), 'gi') : undefined;
    this.#phones = [...new Set(values.phones.map(phoneDigits).filter((d) => d.length >= 7))];
  }

  /** The words to look for in a table with LIKE, before scrubbing what is found. */
  patterns(): string[] {
    return this.#texts ? this.#texts.source.split('|').map((t) => t.replace(/\\(.)/g, '$1')) : [];
  }

  text(value: string): string {
    let out = this.#texts ? value.replace(this.#texts, ERASED) : value;
    if (this.#phones.length > 0)
      out = out.replace(DIGIT_RUN, (run) => (this.#isPhone(phoneDigits(run)) ? ERASED : run));
    return out;
  }

  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        PERSONAL_KEYS.has(k.toLowerCase()) && v !== null && typeof v !== 'object' ? ERASED : this.json(v),
      ]),
    );
  }

  /** JSON whose field names are not the customer's to judge by: only their values are looked for. */
  jsonValues(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.jsonValues(v));
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.jsonValues(v)]));
  }

  /** A text column that may hold JSON (a raw webhook body, a stored response): scrubbed as JSON if it is. */
  jsonText(value: string): string {
    try {
      return JSON.stringify(this.json(JSON.parse(value)));
    } catch {
      return this.text(value);
    }
  }

  #isPhone(digits: string): boolean {
    return this.#phones.some((p) => digits === p || (digits.length >= 7 && digits.endsWith(p)));
  }
}
