import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AccessToken } from '../../electron/shared/api/contract'
import * as auth from '../api/auth'
import { ApiRequestError, call } from '../api/client'
import { t } from '../i18n'

/** Read when shown, so it is in the language chosen at that moment. */
const unavailable = () => t('tokens.unavailable')

/**
 * Personal access tokens on the team server: one's own, or with `everyone` (admins) all of them.
 * The list comes over the API (`tokens:list`); creating and revoking are HTTP routes (src/api/auth.ts).
 * The secret of a new token is handed back to the caller and never kept here: it is shown once.
 */
export const useTokensStore = defineStore('tokens', () => {
  const tokens = ref<AccessToken[]>([])
  const everyone = ref(false)
  const loading = ref(false)
  const error = ref<string>()
  const creating = ref(false)
  const revoking = ref<string>()

  async function load(): Promise<void> {
    loading.value = true
    error.value = undefined
    try {
      tokens.value = await call('tokens:list', everyone.value ? { all: true } : {})
    } catch (e) {
      error.value = e instanceof ApiRequestError ? e.message : unavailable()
    } finally {
      loading.value = false
    }
  }

  async function showEveryone(value: boolean): Promise<void> {
    everyone.value = value
    await load()
  }

  /** The new token's secret, or undefined when it was not created (`error` says why). */
  async function create(name: string): Promise<string | undefined> {
    creating.value = true
    error.value = undefined
    try {
      const result = await auth.createToken(name.trim())
      if (!result.ok) {
        error.value = result.reason === 'rejected' ? t('tokens.nameInvalid') : unavailable()
        return undefined
      }
      await load()
      return result.token
    } finally {
      creating.value = false
    }
  }

  async function revoke(id: string): Promise<boolean> {
    revoking.value = id
    error.value = undefined
    try {
      const result = await auth.revokeToken(id)
      if (!result.ok && result.reason === 'unavailable') {
        error.value = unavailable()
        return false
      }
      // "missing": revoked already (elsewhere) — the list catches up either way.
      await load()
      return true
    } finally {
      revoking.value = undefined
    }
  }

  return { tokens, everyone, loading, error, creating, revoking, load, showEveryone, create, revoke }
})
