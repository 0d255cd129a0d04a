import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import es from './es';

export const SUPPORTED_LOCALES = ['en', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
const STORAGE_KEY = 'lyceum.locale';

/** The locale to use: an explicit choice on this device, else the browser's preference, else English. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored && (SUPPORTED_LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const lang of navigator.languages ?? [navigator.language]) {
    const base = lang.toLowerCase().split('-')[0];
    if (base && (SUPPORTED_LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

/** Pick a supported locale from a profile locale such as "es-MX"; null when unsupported. */
export function supportedLocale(value: string | null | undefined): Locale | null {
  const base = value?.toLowerCase().split('-')[0];
  return base && (SUPPORTED_LOCALES as readonly string[]).includes(base) ? (base as Locale) : null;
}

export function setLocale(locale: Locale, remember = true) {
  if (remember) localStorage.setItem(STORAGE_KEY, locale);
  void i18n.changeLanguage(locale);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: initialLocale(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18n.language;

export default i18n;
