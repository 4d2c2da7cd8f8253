import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { en, type MessageKey, zhCN } from './messages';
import { zhValues } from './values';

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** An enum value from the API (a state, a reason), in the reader's language. */
  value(raw: string): string;
  money(minor: number, currency: string): string;
  number(n: number): string;
  date(iso: string | null | undefined): string;
  percent(ratio: number): string;
}

const STORAGE = 'ordersync.locale';
const initial = (): Locale => {
  const saved = localStorage.getItem(STORAGE);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
};

/** Minor units → the currency's major unit, by the currency's own digits (JPY 0, CNY 2, …). */
const digits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** What an operator typed in the currency's major unit ("12.50") → minor units (1250), by its digits. */
export const toMinor = (major: string, currency: string) =>
  Math.round(Number(major.replace(',', '.')) * 10 ** digits(currency));

export function makeI18n(locale: Locale, setLocale: (l: Locale) => void): I18n {
  const messages = locale === 'zh-CN' ? zhCN : en;
  const numbers = new Intl.NumberFormat(locale);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const percents = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  return {
    locale,
    setLocale,
    t: (key, vars) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? '')),
    value: (raw) => (locale === 'zh-CN' ? (zhValues[raw] ?? raw) : raw.replace(/_/g, ' ')),
    money(minor, currency) {
      let format = moneyFormats.get(currency);
      if (!format) {
        format = new Intl.NumberFormat(locale, { style: 'currency', currency });
        moneyFormats.set(currency, format);
      }
      return format.format(minor / 10 ** digits(currency));
    },
    number: (n) => numbers.format(n),
    date: (iso) => (iso ? dates.format(new Date(iso)) : '—'),
    percent: (ratio) => percents.format(ratio),
  };
}

const Context = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocale] = useState<Locale>(initial);
  useEffect(() => {
    localStorage.setItem(STORAGE, locale);
    document.documentElement.lang = locale;
  }, [locale]);
  const i18n = useMemo(() => makeI18n(locale, setLocale), [locale]);
  return <Context.Provider value={i18n}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(Context);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
