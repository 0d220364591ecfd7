/**
 * The languages Greenline ships and how one is chosen from the system's, shared by the window
 * (src/i18n) and the desktop main process (native notifications, tray, dialogs), so both speak
 * the same language. Pure and import-free: the renderer and the i18n check (plain Node) run it.
 */
export const SHIPPED_LOCALES = ['en', 'es', 'pt-BR', 'fr', 'de'] as const

export type ShippedLocale = (typeof SHIPPED_LOCALES)[number]

export function isShippedLocale(value: unknown): value is ShippedLocale {
  return typeof value === 'string' && (SHIPPED_LOCALES as readonly string[]).includes(value)
}

/**
 * The first of the system's languages that Greenline speaks: an exact match ("pt-BR"), else the
 * same language in another region ("es-MX" → "es", "pt-PT" → "pt-BR"); English when none is.
 */
export function pickLocale(wanted: readonly string[]): ShippedLocale {
  for (const tag of wanted) {
    const exact = SHIPPED_LOCALES.find((code) => code.toLowerCase() === tag.toLowerCase())
    if (exact) return exact
    const language = tag.split('-')[0].toLowerCase()
    const sameLanguage = SHIPPED_LOCALES.find((code) => code.split('-')[0].toLowerCase() === language)
    if (sameLanguage) return sameLanguage
  }
  return 'en'
}
