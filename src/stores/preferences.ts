import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

export type ThemeChoice = 'system' | 'light' | 'dark'

const KEY = 'greenline.preferences'

interface Stored {
  theme: ThemeChoice
  notifications: boolean
  sound: boolean
  locale: string
}

function read(): Partial<Stored> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Stored>
  } catch {
    return {}
  }
}

/**
 * This computer's display choices (theme, new-message notifications and sound, language), kept
 * in localStorage: they belong to the screen, not to the account.
 */
export const usePreferencesStore = defineStore('preferences', () => {
  const stored = read()
  const theme = ref<ThemeChoice>(stored.theme ?? 'system')
  const notifications = ref(stored.notifications ?? true)
  const sound = ref(stored.sound ?? true)
  /** '' follows the system language. */
  const locale = ref(stored.locale ?? '')

  watch([theme, notifications, sound, locale], () => {
    const value: Stored = { theme: theme.value, notifications: notifications.value, sound: sound.value, locale: locale.value }
    localStorage.setItem(KEY, JSON.stringify(value))
  })

  return { theme, notifications, sound, locale }
})
