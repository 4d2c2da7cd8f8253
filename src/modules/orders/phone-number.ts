import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Where a phone written without a country code is read when nothing says otherwise: the home market. */
export const HOME_PHONE_REGION: CountryCode = 'CN';

/**
 * The number in E.164 ("+8613800000000") when it is a valid phone number, read in `region` (an ISO
 * 3166-1 alpha-2 code) when it has no country code: "138 0000 0000", "+86 13800000000" and
 * "008613800000000" are all +8613800000000. Undefined for what is not a valid number.
 */
export function toE164(raw: string, region: string = HOME_PHONE_REGION): string | undefined {
  const home = isSupportedCountry(region) ? region : HOME_PHONE_REGION;
  const parsed = parsePhoneNumberFromString(raw, home);
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * How a phone is stored: E.164 when valid, so that any spelling finds it; otherwise as written
 * (a marketplace's masked "138****0000" is kept, not refused).
 */
export const normalizePhone = (raw: string, region?: string) => toE164(raw, region) ?? raw.trim();

/** The stored spellings a searched phone may have: its E.164 form and the text as typed. */
export function phoneSpellings(raw: string): string[] {
  const typed = raw.trim();
  const e164 = toE164(typed);
  return e164 && e164 !== typed ? [e164, typed] : [typed];
}
