import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { TeamServerStatus } from '../../electron/shared/api/team-server'
import type { Result } from '../../electron/shared/api/result'
import { teamServerApi } from '../api/team-server'
import { t } from '../i18n'

/** What the screen is doing on this person's behalf right now. */
export type TeamServerBusy = 'browser' | 'password' | 'cancel' | 'sign-out'

/**
 * Settings → Team server in the desktop app: where this computer stands with the office's
 * Greenline server, and signing in (system browser or password) or out. Electron main does the
 * work and words every failure (unreachable, certificate, token refused); this store shows its
 * status as it changes. What was typed (address, user ID) is kept here, so no error loses it.
 */
export const useTeamServerStore = defineStore('team-server', () => {
  const status = ref<TeamServerStatus>()
  const busy = ref<TeamServerBusy>()
  /** Main refused or failed the call itself (rare: not the app page, a bug); the status did not change. */
  const error = ref<string>()
  const serverUrl = ref('')
  const userId = ref('')
  /** The connection was up once since this user signed in: "connecting" now means reconnecting. */
  const wasConnected = ref(false)
  let stopListening: (() => void) | undefined

  const available = computed(() => teamServerApi() !== undefined)
  const connected = computed(() => status.value?.user !== undefined)
  /** A browser sign-in waits for the person to approve this computer there. */
  const waitingForBrowser = computed(() => status.value?.signingIn === true && busy.value !== 'password')

  function apply(next: TeamServerStatus): void {
    if (next.user?.id !== status.value?.user?.id) wasConnected.value = false
    if (next.connection === 'online' || next.connection === 'offline') wasConnected.value = true
    status.value = next
    // The address last used fills an empty field; never overwrites what the person is typing.
    if (!serverUrl.value && next.serverUrl) serverUrl.value = next.serverUrl
  }

  async function run(
    what: TeamServerBusy | undefined,
    call: () => Promise<Result<TeamServerStatus>>,
  ): Promise<TeamServerStatus | undefined> {
    if (what) busy.value = what
    error.value = undefined
    try {
      const result = await call()
      if (!result.ok) {
        error.value = result.error.message
        return undefined
      }
      apply(result.value)
      return result.value
    } catch {
      error.value = t('teamServer.noMain')
      return undefined
    } finally {
      if (what && busy.value === what) busy.value = undefined
    }
  }

  /** Reads the status and follows its changes (once, however often the screen mounts). */
  async function load(): Promise<void> {
    const api = teamServerApi()
    if (!api) return
    stopListening ??= api.onChanged(apply)
    await run(undefined, () => api.status())
  }

  /** Opens the system browser on the server's approval page; resolves once it ended either way. */
  async function signIn(): Promise<boolean> {
    const api = teamServerApi()
    if (!api) return false
    const done = await run('browser', () => api.signIn(serverUrl.value))
    return done?.user !== undefined && !done.message
  }

  /** True when signed in; otherwise `status.message` (or `error`) says why, and the fields keep their text. */
  async function signInWithPassword(password: string): Promise<boolean> {
    const api = teamServerApi()
    if (!api) return false
    const done = await run('password', () => api.signInWithPassword(serverUrl.value, userId.value, password))
    return done?.user !== undefined && !done.message
  }

  async function cancelSignIn(): Promise<void> {
    const api = teamServerApi()
    if (api) await run('cancel', () => api.cancelSignIn())
  }

  async function signOut(): Promise<void> {
    const api = teamServerApi()
    if (api) await run('sign-out', () => api.signOut())
  }

  /** Offline: try the server now instead of at the next try. */
  async function retryNow(): Promise<void> {
    const api = teamServerApi()
    if (api) await run(undefined, () => api.retryNow())
  }

  function dispose(): void {
    stopListening?.()
    stopListening = undefined
  }

  return {
    status,
    busy,
    error,
    serverUrl,
    userId,
    wasConnected,
    available,
    connected,
    waitingForBrowser,
    load,
    signIn,
    signInWithPassword,
    cancelSignIn,
    signOut,
    retryNow,
    dispose,
  }
})
