/**
 * Masked personal data, for roles that work with a record but need not read its contact details
 * (support): enough to recognise a caller (`138****0000`, `m***@example.org`), not to contact or find
 * them. Province, city and district stay (they are what support routes by), the street does not.
 */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, '');
  // A Chinese number as China writes it, without +86: 138****0000.
  const national = digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  return national.length >= 8 ? `${national.slice(0, 3)}****${national.slice(-4)}` : '****';
}

export function maskEmail(email: string | null): string | null {
  if (email === null) return null;
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}***${email.slice(at)}` : '***';
}

/** `Zhang Mei` → `Z*** M***`; `李雷` → `李*`. */
export function maskName(name: string | null): string | null {
  if (name === null) return null;
  if (!/\s/.test(name.trim())) return `${[...name][0] ?? ''}*`;
  return name
    .trim()
    .split(/\s+/)
    .map((part) => `${[...part][0]}***`)
    .join(' ');
}

const MASK = '***';

/** An address with its name, phone, street and postal code masked. */
export function maskAddress<
  A extends { name: string; phone: string; line1: string; line2?: string | null; postalCode?: string | null },
>(a: A): A {
  return {
    ...a,
    name: maskName(a.name),
    phone: maskPhone(a.phone),
    line1: MASK,
    ...(a.line2 ? { line2: MASK } : {}),
    ...(a.postalCode ? { postalCode: MASK } : {}),
  };
}
