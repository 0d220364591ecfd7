import { onScopeDispose, ref, watchEffect } from 'vue'
import { usePreferencesStore } from '../stores/preferences'

/**
 * Puts the chosen theme on <html data-theme>: the Settings choice, or the system's while it says
 * "Same as the system" (followed live when the system switches).
 */
export function useTheme(): void {
  const preferences = usePreferencesStore()
  const query = window.matchMedia?.('(prefers-color-scheme: dark)')
  const systemDark = ref(query?.matches ?? false)
  const follow = (event: MediaQueryListEvent) => (systemDark.value = event.matches)
  query?.addEventListener('change', follow)
  onScopeDispose(() => query?.removeEventListener('change', follow))
  watchEffect(() => {
    const dark = preferences.theme === 'dark' || (preferences.theme === 'system' && systemDark.value)
    document.documentElement.dataset.theme = dark ? 'dark' : 'light'
  })
}
