// @vitest-environment happy-dom
import { nextTick } from 'vue'
import { beforeEach, describe, expect, it } from 'vitest'
import { testingPinia } from '../helpers/testing-pinia'
import { usePreferencesStore } from '../../src/stores/preferences'

const KEY = 'greenline.preferences'
const saved = () => JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown

describe('usePreferencesStore', () => {
  beforeEach(() => localStorage.clear())

  it('starts a new computer on the system theme and language, with notifications and sound on', () => {
    testingPinia()
    const store = usePreferencesStore()
    expect({ theme: store.theme, notifications: store.notifications, sound: store.sound, locale: store.locale }).toEqual({
      theme: 'system',
      notifications: true,
      sound: true,
      locale: '',
    })
    expect(localStorage.getItem(KEY)).toBeNull()
  })

  it('keeps a change for the next start of the app', async () => {
    testingPinia()
    const store = usePreferencesStore()
    store.theme = 'dark'
    store.sound = false
    await nextTick()
    expect(saved()).toEqual({ theme: 'dark', notifications: true, sound: false, locale: '' })

    // The next start: a new Pinia reads what this one wrote.
    testingPinia()
    const again = usePreferencesStore()
    expect(again.theme).toBe('dark')
    expect(again.sound).toBe(false)
    expect(again.notifications).toBe(true)
  })

  it('keeps what it can from an older save, and the defaults for the rest', () => {
    localStorage.setItem(KEY, JSON.stringify({ theme: 'light', locale: 'pt-BR' }))
    testingPinia()
    const store = usePreferencesStore()
    expect(store.theme).toBe('light')
    expect(store.locale).toBe('pt-BR')
    expect(store.notifications).toBe(true)
  })

  it('a damaged save does not stop the app: it starts on the defaults and writes over it', async () => {
    localStorage.setItem(KEY, '{not json')
    testingPinia()
    const store = usePreferencesStore()
    expect(store.theme).toBe('system')
    store.notifications = false
    await nextTick()
    expect(saved()).toEqual({ theme: 'system', notifications: false, sound: true, locale: '' })
  })
})
