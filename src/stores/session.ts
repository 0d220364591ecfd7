import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { OrgUser, Session } from '../../electron/shared/domain'
import { ApiRequestError, call, isDesktop } from '../api/client'

const REMEMBERED_USER = 'greenline.user'

/** Who is signed in. In the browser host a person picks their org user; the desktop app knows. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<Session>()
  const users = ref<OrgUser[]>([])
  const error = ref<string>()

  async function restore(): Promise<void> {
    try {
      if (isDesktop) {
        // Before anyone has signed in on this computer the engine answers forbidden: show the picker.
        try {
          session.value = await call('session:get', {})
          return
        } catch (e) {
          if (!(e instanceof ApiRequestError && e.error.code === 'forbidden')) throw e
        }
      }
      users.value = await call('org:users', {})
      const remembered = localStorage.getItem(REMEMBERED_USER)
      if (remembered && users.value.some((u) => u.id === remembered)) await signIn(remembered)
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function signIn(userId: string): Promise<void> {
    session.value = await call('session:signIn', { userId })
    localStorage.setItem(REMEMBERED_USER, userId)
  }

  function signOut(): void {
    localStorage.removeItem(REMEMBERED_USER)
    location.reload()
  }

  return { session, users, error, restore, signIn, signOut }
})
