const digitsCache = new Map<string, number>();

/** How many decimals a currency's minor unit has (USD 2, JPY 0, KWD 3), from the runtime's ICU data. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * A decimal amount ("199.00", 12.5) in the currency's integer minor units (USD cents, JPY yen, KWD
 * fils), read as text so that no float rounds it (0.1 + 0.2). More decimals than the currency has
 * are rounded half away from zero on the first dropped digit, as shops round for display, or refused
 * with `exact` (a marketplace that sends them has sent something else). Anything that is not a plain
 * decimal is refused with the amount named. The one reading of money for every channel and file.
 */
export function toMinorUnits(
  amount: string | number | null | undefined,
  currency: string,
  options: { exact?: boolean } = {},
): number {
  if (amount === null || amount === undefined || amount === '') return 0;
  const digits = currencyDigits(currency);
  const text = typeof amount === 'number' ? amount.toFixed(digits + 2) : amount.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not an amount: ${JSON.stringify(amount)}`);
  const fraction = (m[3] ?? '').padEnd(digits + 1, '0');
  if (options.exact && /[1-9]/.test(fraction.slice(digits)))
    throw new Error(`${text} has more decimals than ${currency} has (${digits})`);
  const units =
    Number(m[2]) * 10 ** digits +
    Number(fraction.slice(0, digits) || '0') +
    (Number(fraction[digits]) >= 5 ? 1 : 0);
  if (!Number.isSafeInteger(units)) throw new Error(`amount out of range: ${text}`);
  return m[1] ? -units : units;
}
