import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n, loadLocale, wantedLocale } from './i18n'
import { router } from './router'
import { usePreferencesStore } from './stores/preferences'
import './styles.css'

const pinia = createPinia()
const app = createApp(App).use(pinia).use(i18n).use(router)

// Only English is in the entry script: fetch the language the app opens in first (a no-op in
// English), so the first screen is painted in it. If that fails, English is shown.
void loadLocale(wantedLocale(usePreferencesStore(pinia).locale))
  .catch((error: unknown) => console.error('[i18n] could not load the language', error))
  .finally(() => app.mount('#app'))

// vue-router only listens for address changes once its first navigation is done: an address
// changed before that (a link opened while the app was loading) would be missed, so catch up.
void router.isReady().then(() => {
  const wanted = location.hash.slice(1) || '/'
  if (wanted !== router.currentRoute.value.fullPath) void router.replace(wanted)
})
