import { watchEffect } from 'vue'
import { createI18n } from 'vue-i18n'
import { tellDesktopLanguage } from '../api/desktop-language'
import { setDateLocale } from '../composables/useDates'
import { usePreferencesStore } from '../stores/preferences'
import de from './locales/de.json'
import en from './locales/en.json'
import es from './locales/es.json'
import fr from './locales/fr.json'
import ptBR from './locales/pt-BR.json'
import { SHIPPED_LOCALES, pickLocale } from '../../electron/shared/locale-choice'

/**
 * The languages Greenline ships, each named in itself for the Settings picker. English is the
 * source: every other file has the same keys (`npm run i18n:check`), and a key missing at run time
 * falls back to English rather than showing a key.
 */
export const LOCALES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Español' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
  { code: 'fr', name: 'Français' },
  { code: 'de', name: 'Deutsch' },
] as const

export type Locale = (typeof LOCALES)[number]['code']

const CODES: readonly string[] = SHIPPED_LOCALES

export { pickLocale }

/** The system's languages, most wanted first (navigator.languages, which Chromium and Electron fill from the OS). */
function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return []
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : []
}

/**
 * Plural forms by the language's own rules (Intl.PluralRules: French says "0 message", English
 * "0 messages"). Messages give "one | other", or "none | one | other" when zero reads differently.
 */
function pluralRule(locale: string): (choice: number, choicesLength: number) => number {
  const rules = new Intl.PluralRules(locale)
  return (choice, choicesLength) => {
    if (choicesLength === 3 && choice === 0) return 0
    const offset = choicesLength === 3 ? 1 : 0
    return offset + (choicesLength > 1 && rules.select(Math.abs(choice)) !== 'one' ? 1 : 0)
  }
}

/** Keys a screen asked for that its language lacks, so tests can fail on them (English is shown meanwhile). */
export const missingKeys = new Set<string>()

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: pickLocale(systemLanguages()),
  fallbackLocale: 'en',
  messages: { en, es, 'pt-BR': ptBR, fr, de },
  pluralRules: Object.fromEntries(CODES.map((code) => [code, pluralRule(code)])),
  missingWarn: false,
  fallbackWarn: false,
  missing: (locale, key) => {
    missingKeys.add(`${locale}:${key}`)
    console.error(`[i18n] missing text "${key}" in ${locale}`)
  },
})

/** `t` for code outside components (stores, composables, API error texts), in the active language. */
export const t = i18n.global.t

/** Whether the active language (or English) has a text for `key`. */
export const te = (key: string): boolean => i18n.global.te(key) || i18n.global.te(key, 'en')

/** A count written the active language's way ("1,234", "1.234", "1 234"); pass it as `n` with the plural count. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(i18n.global.locale.value).format(value)
}

/** The active language's code, e.g. for Intl formatters. */
export function activeLocale(): Locale {
  return i18n.global.locale.value
}

/**
 * Follows the Settings choice, or the system's languages while it says "Same as the system":
 * sets the texts, the date formats and <html lang> (screen readers pick their voice from it).
 */
export function useLocale(): void {
  const preferences = usePreferencesStore()
  watchEffect(() => {
    const locale = preferences.locale && CODES.includes(preferences.locale) ? (preferences.locale as Locale) : pickLocale(systemLanguages())
    i18n.global.locale.value = locale
    setDateLocale(locale)
    document.documentElement.lang = locale
    tellDesktopLanguage(locale)
  })
}
