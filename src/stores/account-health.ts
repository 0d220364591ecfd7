import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AccountHealthView } from '../../electron/shared/domain'
import { ApiRequestError, call, onEvent } from '../api/client'
import { t } from '../i18n'

/**
 * Whether WhatsApp is refusing the business number (sending paused) and why: read once, then
 * followed through `account:changed`. Resuming is for admins (the engine checks).
 */
export const useAccountHealthStore = defineStore('accountHealth', () => {
  const health = ref<AccountHealthView>({ paused: false })
  const error = ref<string>()
  const resuming = ref(false)
  let unsubscribe: (() => void) | undefined

  async function load(): Promise<void> {
    unsubscribe ??= onEvent('account:changed', (view) => {
      health.value = view
    })
    try {
      health.value = await call('account:health', {})
    } catch {
      // Not connected to WhatsApp, or not allowed: nothing to show.
    }
  }

  async function resume(): Promise<void> {
    resuming.value = true
    error.value = undefined
    try {
      health.value = await call('account:resume', {})
    } catch (e) {
      error.value = e instanceof ApiRequestError ? e.message : t('errors.resumeFailed')
    } finally {
      resuming.value = false
    }
  }

  return { health, error, resuming, load, resume }
})
