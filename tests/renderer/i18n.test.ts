// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { dayLabel } from '../../src/composables/useDates'
import { formatNumber, i18n, missingKeys, pickLocale, t, useLocale } from '../../src/i18n'
import { usePreferencesStore } from '../../src/stores/preferences'

afterEach(() => {
  localStorage.clear()
  i18n.global.locale.value = 'en'
})

describe('choosing the language', () => {
  it('takes the first system language Greenline speaks, by exact tag or by language', () => {
    expect(pickLocale(['pt-BR', 'en'])).toBe('pt-BR')
    expect(pickLocale(['pt-PT'])).toBe('pt-BR')
    expect(pickLocale(['es-MX', 'en-US'])).toBe('es')
    expect(pickLocale(['fr-CA'])).toBe('fr')
    expect(pickLocale(['de-AT'])).toBe('de')
    expect(pickLocale(['ja-JP', 'de-DE'])).toBe('de')
    expect(pickLocale(['ja-JP'])).toBe('en')
    expect(pickLocale([])).toBe('en')
  })

  it('follows the Settings choice over the system, and back to the system with "Same as the system"', async () => {
    setActivePinia(createPinia())
    const Probe = defineComponent({
      setup() {
        useLocale()
        return () => h('p', t('nav.settings'))
      },
    })
    // The desktop app's bridge: notifications, the tray and dialogs follow the window's language.
    const setLanguage = vi.fn()
    window.greenlineDesktop = { startDrag: vi.fn(), setLanguage }
    const wrapper = mount(Probe)
    const preferences = usePreferencesStore()
    preferences.locale = 'fr'
    await nextTick()
    expect(wrapper.text()).toBe('Paramètres')
    expect(document.documentElement.lang).toBe('fr')
    expect(setLanguage).toHaveBeenLastCalledWith('fr')
    delete window.greenlineDesktop
    // Dates follow too.
    expect(dayLabel(Date.UTC(2026, 2, 12, 12), Date.UTC(2026, 5, 1))).toContain('mars')
    preferences.locale = 'de'
    await nextTick()
    expect(wrapper.text()).toBe('Einstellungen')
    preferences.locale = ''
    await nextTick()
    expect(i18n.global.locale.value).toBe(pickLocale(navigator.languages))
    expect(JSON.parse(localStorage.getItem('greenline.preferences')!).locale).toBe('')
    wrapper.unmount()
  })
})

describe('plural forms follow each language', () => {
  it('English says "0 messages", French "0 message"', () => {
    expect(t('search.messages', 0)).toBe('0 messages')
    expect(t('search.messages', 1)).toBe('1 message')
    expect(t('search.messages', 2)).toBe('2 messages')
    i18n.global.locale.value = 'fr'
    expect(t('search.messages', 0)).toBe('0 message')
    expect(t('search.messages', 1)).toBe('1 message')
    expect(t('search.messages', 2)).toBe('2 messages')
  })

  it('a missing key is recorded (tests fail on it) and falls back to English, never showing the key', () => {
    i18n.global.locale.value = 'es'
    i18n.global.mergeLocaleMessage('en', { onlyEnglish: 'Only in English' })
    expect(t('onlyEnglish')).toBe('Only in English')
    expect(missingKeys.has('es:onlyEnglish')).toBe(true)
    missingKeys.clear()
  })
})

describe('numbers follow each language', () => {
  it('writes a count with the language grouping, and still picks the plural form from the number', () => {
    expect(t('search.messages', { n: formatNumber(12345) }, 12345)).toBe('12,345 messages')
    i18n.global.locale.value = 'de'
    expect(t('search.messages', { n: formatNumber(12345) }, 12345)).toBe('12.345 Nachrichten')
    expect(t('search.messages', { n: formatNumber(1) }, 1)).toBe('1 Nachricht')
  })
})

describe('languages are fetched when first shown', () => {
  it('starts with English only; a chosen language is loaded, then shown; the app opens in the stored choice', async () => {
    // A fresh copy of the module, as the app starts (the test setup loads every language).
    vi.resetModules()
    localStorage.setItem('greenline.preferences', JSON.stringify({ locale: 'de' }))
    const fresh = await import('../../src/i18n')
    const pinia = await import('pinia')
    const { usePreferencesStore: freshPreferences } = await import('../../src/stores/preferences')
    const { effectScope } = await import('vue')
    pinia.setActivePinia(pinia.createPinia())
    expect(fresh.i18n.global.availableLocales).toEqual(['en'])

    // main.ts loads the stored choice before mounting: the first screen is in German.
    await fresh.loadLocale(fresh.wantedLocale(freshPreferences().locale))
    const scope = effectScope()
    scope.run(() => fresh.useLocale())
    expect(fresh.t('nav.settings')).toBe('Einstellungen')
    expect(fresh.i18n.global.availableLocales).not.toContain('fr')

    // Switching to a language not loaded yet keeps the current one until its texts are in.
    freshPreferences().locale = 'fr'
    await vi.waitFor(() => expect(fresh.t('nav.settings')).toBe('Paramètres'))
    expect(document.documentElement.lang).toBe('fr')
    expect(fresh.i18n.global.availableLocales.sort()).toEqual(['de', 'en', 'fr'])
    scope.stop()
  })
})
