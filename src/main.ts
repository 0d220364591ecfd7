import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import './styles.css'

createApp(App).use(createPinia()).use(i18n).use(router).mount('#app')

// vue-router only listens for address changes once its first navigation is done: an address
// changed before that (a link opened while the app was loading) would be missed, so catch up.
void router.isReady().then(() => {
  const wanted = location.hash.slice(1) || '/'
  if (wanted !== router.currentRoute.value.fullPath) void router.replace(wanted)
})
