/**
 * Vitest setup: every component mounted in a DOM test gets the app's i18n plugin (as main.ts
 * installs it), in English whatever the machine's language, so tests read the English texts.
 * Every language is loaded up front (the app fetches them on demand), so a test can switch to one
 * at once. Engine tests run without a DOM and skip it.
 */
export {}

if (typeof document !== 'undefined') {
  const { config } = await import('@vue/test-utils')
  const { i18n, loadLocale, LOCALES } = await import('../../src/i18n')
  await Promise.all(LOCALES.map(({ code }) => loadLocale(code)))
  i18n.global.locale.value = 'en'
  config.global.plugins.push(i18n)
}
