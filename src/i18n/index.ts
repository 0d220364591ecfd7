import { watchEffect } from 'vue'
import { createI18n } from 'vue-i18n'
import { tellDesktopLanguage } from '../api/desktop-language'
import { setDateLocale } from '../composables/useDates'
import { usePreferencesStore } from '../stores/preferences'
import en from './locales/en.json'
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

type Messages = typeof en

/**
 * Each language but English in its own chunk (~45 kB each), fetched when it is first shown: the
 * app starts with English (the fallback, always present) plus the one language it opens in.
 */
const LOADERS: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Messages }>> = {
  es: () => import('./locales/es.json'),
  'pt-BR': () => import('./locales/pt-BR.json'),
  fr: () => import('./locales/fr.json'),
  de: () => import('./locales/de.json'),
}

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
  messages: { en } as Record<Locale, Messages>,
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

const fixedTexts = new Map<string, string>()

/**
 * `t(key)` for a text without parameters, kept per language: a scrolled list asks for the same
 * few (channel names, state chips) for every row it shows, many times a second (issue 21).
 */
export function fixedText(key: string): string {
  // Read from the reactive locale, so a render that shows the text follows a change of language.
  const cacheKey = `${i18n.global.locale.value}\u0000${key}`
  let text = fixedTexts.get(cacheKey)
  if (text === undefined) fixedTexts.set(cacheKey, (text = t(key)))
  return text
}

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

const loading = new Map<Locale, Promise<void>>()

/** Makes `locale`'s texts available (fetching its chunk the first time); English always is. */
export function loadLocale(locale: Locale): Promise<void> {
  if (locale === 'en' || i18n.global.availableLocales.includes(locale)) return Promise.resolve()
  let load = loading.get(locale)
  if (!load) {
    load = LOADERS[locale]().then(
      (module) => {
        i18n.global.setLocaleMessage(locale, module.default)
        fixedTexts.clear() // English fallbacks kept meanwhile
      },
      (error: unknown) => {
        loading.delete(locale) // tried again next time; English is shown meanwhile
        throw error
      },
    )
    loading.set(locale, load)
  }
  return load
}

/** The language the Settings choice (a code, or '' for "Same as the system") asks for. */
export function wantedLocale(choice: string): Locale {
  return choice && CODES.includes(choice) ? (choice as Locale) : pickLocale(systemLanguages())
}

function apply(locale: Locale): void {
  i18n.global.locale.value = locale
  setDateLocale(locale)
  document.documentElement.lang = locale
  tellDesktopLanguage(locale)
}

/**
 * Follows the Settings choice, or the system's languages while it says "Same as the system":
 * sets the texts, the date formats and <html lang> (screen readers pick their voice from it).
 * A language not loaded yet is switched to once its texts are in (main.ts loads the one the app
 * opens in before mounting, so the first screen is never shown in English by mistake).
 */
export function useLocale(): void {
  const preferences = usePreferencesStore()
  watchEffect(() => {
    const locale = wantedLocale(preferences.locale)
    if (locale === 'en' || i18n.global.availableLocales.includes(locale)) {
      apply(locale)
      return
    }
    loadLocale(locale).then(
      // Only if it is still the one wanted (a quicker later choice wins).
      () => locale === wantedLocale(preferences.locale) && apply(locale),
      (error: unknown) => console.error(`[i18n] could not load ${locale}`, error),
    )
  })
}
