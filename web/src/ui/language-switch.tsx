import { LOCALES, type Locale, useI18n } from '../i18n/locale';

const NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

export function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <label className="language">
      <span className="visually-hidden">{t('language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
