import ct from 'countries-and-timezones';

export const CUSTOMER_LOCALES = ['zh-CN', 'en'] as const;
export type CustomerLocale = (typeof CUSTOMER_LOCALES)[number];

/** The locale a new customer gets from the country they ship to: Chinese in mainland China. */
export const localeForCountry = (country: string | undefined): CustomerLocale =>
  country === 'CN' ? 'zh-CN' : 'en';

/**
 * The time zone a new customer gets from the country they ship to, when that is unambiguous: a
 * country with one zone, or China, which keeps one official time (Asia/Shanghai) though the tz
 * database lists Urumqi too. Null when the country spans several zones: better unknown than wrong.
 */
export function timeZoneForCountry(country: string | undefined): string | null {
  if (!country) return null;
  if (country === 'CN') return 'Asia/Shanghai';
  const zones = ct.getCountry(country)?.timezones ?? [];
  return zones.length === 1 ? zones[0]! : null;
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
