import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Conversation, OrgUser } from '../../electron/shared/domain'
import { ApiRequestError, call } from '../api/client'
import { useConversationsStore } from './conversations'
import { t } from '../i18n'

/** What a group action ended in: done (with the conversation to show next, if any) or why not. */
export type GroupOutcome = { ok: true; conversation?: Conversation } | { ok: false; message: string }

function failure(e: unknown): GroupOutcome {
  return { ok: false, message: e instanceof ApiRequestError ? e.error.message : (e as Error).message || t('errors.generic') }
}

/**
 * Who is in a conversation and the group actions on it: add a colleague, remove someone, leave,
 * transfer with a note, restart an ended thread. The engine decides (and refuses the loser of a
 * race); this store reports its answer and keeps the conversations store up to date.
 */
export const useParticipantsStore = defineStore('participants', () => {
  const colleagues = ref<OrgUser[]>([])
  const colleaguesError = ref<string>()
  let loadingColleagues: Promise<void> | undefined

  /** The organization directory (once per session; it changes only with the org policy file). */
  function loadColleagues(): Promise<void> {
    loadingColleagues ??= call('org:users', {})
      .then((users) => {
        colleagues.value = users
        colleaguesError.value = undefined
      })
      .catch((e: unknown) => {
        loadingColleagues = undefined
        colleaguesError.value = e instanceof ApiRequestError ? e.error.message : t('errors.colleagues')
      })
    return loadingColleagues
  }

  async function run(action: () => Promise<Conversation | undefined>): Promise<GroupOutcome> {
    try {
      const conversation = await action()
      if (conversation) useConversationsStore().put(conversation)
      return { ok: true, ...(conversation ? { conversation } : {}) }
    } catch (e) {
      return failure(e)
    }
  }

  const add = (id: string, userId: string) => run(() => call('conversations:addParticipant', { id, userId }))
  const remove = (id: string, userId: string) => run(() => call('conversations:removeParticipant', { id, userId }))
  const restart = (id: string) => run(() => call('conversations:restart', { id }))

  // After leaving or transferring, the engine's `conversations:removed` event takes the thread off the list.
  const leave = (id: string) =>
    run(async () => {
      await call('conversations:leave', { id })
      return undefined
    })

  const transfer = (id: string, toUserId: string, note: string) =>
    run(async () => {
      const trimmed = note.trim()
      await call('conversations:transfer', { id, toUserId, ...(trimmed ? { note: trimmed } : {}) })
      return undefined
    })

  return { colleagues, colleaguesError, loadColleagues, add, remove, leave, transfer, restart }
})
