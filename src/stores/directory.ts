import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { DirectoryUser, InviteValue } from '../../electron/shared/api/contract'
import { ApiRequestError, call } from '../api/client'
import { t } from '../i18n'

export type DirectoryRole = DirectoryUser['role']

export interface InviteDraft {
  userId: string
  name: string
  role: DirectoryRole
}

/** The server's sentence when it has one (ApiRequestError is already readable), else a plain fallback. */
function messageOf(e: unknown, fallback: string): string {
  if (e instanceof ApiRequestError && e.message) return e.message.replace(/([^.!?])$/, '$1.')
  return fallback
}

const byName = (a: DirectoryUser, b: DirectoryUser) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })

/**
 * The team server's people, for its administrators: who may sign in, inviting someone, and
 * deactivating or reactivating them. The only place in the renderer that calls the `users:*` channels.
 */
export const useDirectoryStore = defineStore('directory', () => {
  const users = ref<DirectoryUser[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  const listError = ref<string>()
  /** Why the last deactivate or reactivate did not happen (e.g. "This is the last administrator…"). */
  const actionError = ref<string>()
  const inviteError = ref<string>()
  /** The user whose row is being changed, so only that row's buttons wait. */
  const changing = ref<string>()
  const inviting = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    listError.value = undefined
    try {
      users.value = [...(await call('users:list', {}))].sort(byName)
      loaded.value = true
    } catch (e) {
      listError.value = messageOf(e, t('errors.directoryLoad'))
    } finally {
      loading.value = false
    }
  }

  /** Resolves with the invitation to pass on, or undefined when it failed (`inviteError` says why). */
  async function invite(draft: InviteDraft): Promise<InviteValue | undefined> {
    inviting.value = true
    inviteError.value = undefined
    try {
      const value = await call('users:invite', { userId: draft.userId.trim(), name: draft.name.trim(), role: draft.role })
      await load()
      return value
    } catch (e) {
      inviteError.value = messageOf(e, t('errors.inviteFailed'))
      return undefined
    } finally {
      inviting.value = false
    }
  }

  async function setActive(userId: string, active: boolean): Promise<boolean> {
    changing.value = userId
    actionError.value = undefined
    try {
      if (active) await call('users:reactivate', { userId })
      else await call('users:deactivate', { userId })
      await load()
      return true
    } catch (e) {
      actionError.value = messageOf(e, t(active ? 'people.reactivateFailed' : 'people.deactivateFailed', { user: userId }))
      return false
    } finally {
      changing.value = undefined
    }
  }

  /** Signs them out everywhere at once; their conversations stay with the other participants. */
  function deactivate(userId: string): Promise<boolean> {
    return setActive(userId, false)
  }

  function reactivate(userId: string): Promise<boolean> {
    return setActive(userId, true)
  }

  async function setRole(userId: string, role: DirectoryRole): Promise<boolean> {
    changing.value = userId
    actionError.value = undefined
    try {
      await call('users:setRole', { userId, role })
      await load()
      return true
    } catch (e) {
      actionError.value = messageOf(e, t('people.roleFailed', { user: userId }))
      return false
    } finally {
      changing.value = undefined
    }
  }

  return { users, loading, loaded, listError, actionError, inviteError, changing, inviting, load, invite, deactivate, reactivate, setRole }
})
