// Providers speak decimal strings ("12.34" yuan); OrderSync keeps integer minor units.
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, VND: 0 };
const exponent = (currency: string) => EXPONENTS[currency] ?? 2;

export function toDecimal(minor: number, currency: string): string {
  const e = exponent(currency);
  if (e === 0) return String(minor);
  const s = String(minor).padStart(e + 1, '0');
  return `${s.slice(0, -e)}.${s.slice(-e)}`;
}

/** "0.10" → 10 for CNY; undefined for anything that is not a plain decimal with at most the currency's digits. */
export function fromDecimal(text: string | undefined, currency: string): number | undefined {
  if (text === undefined) return undefined;
  const e = exponent(currency);
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[2]?.length ?? 0) > e) return undefined;
  return Number(m[1]) * 10 ** e + Number((m[2] ?? '').padEnd(e, '0') || 0);
}
