import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Channel, Conversation } from '../../electron/shared/domain'
import { ApiRequestError, call, onEvent } from '../api/client'
import { observeServerTime } from '../composables/useServerClock'

export type ConversationFilter = 'all' | 'whatsapp' | 'sms' | 'voicemail' | 'unread'

export function errorText(e: unknown): string {
  return e instanceof ApiRequestError ? e.error.message : (e as Error).message || 'Something went wrong'
}

/** Lower case without accents, so "chloe" finds "Chloé". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** Conversations asked for per request: a screenful and more first, then bigger pages. */
const FIRST_PAGE = 100
const NEXT_PAGE = 1000

const newestFirst = (a: Conversation, b: Conversation) => b.lastActivityAt - a.lastActivityAt

/**
 * The conversations the signed-in user takes part in, kept live from `conversations:changed` /
 * `conversations:removed`. Ended threads (a contact's History) are kept by id but not listed.
 */
export const useConversationsStore = defineStore('conversations', () => {
  const byId = ref<Record<string, Conversation>>({})
  /** Ids of the user's current threads (what `conversations:list` without a contact returns). */
  const currentIds = ref(new Set<string>())
  const filter = ref<ConversationFilter>('all')
  /** The name typed in the list's filter box (case and accents ignored). */
  const query = ref('')
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string>()
  let unsubscribe: Array<() => void> | undefined

  const all = computed(() => [...currentIds.value].flatMap((id) => byId.value[id] ?? []).sort(newestFirst))
  const byFilter = computed(() => {
    switch (filter.value) {
      case 'all':
        return all.value
      case 'unread':
        return all.value.filter((c) => c.unread > 0)
      default:
        return all.value.filter((c) => c.channel === filter.value)
    }
  })
  const visible = computed(() => {
    const wanted = fold(query.value.trim())
    return wanted ? byFilter.value.filter((c) => fold(c.contactName).includes(wanted)) : byFilter.value
  })
  const unreadTotal = computed(() => all.value.reduce((sum, c) => sum + c.unread, 0))

  function put(conversation: Conversation): void {
    observeServerTime(conversation.asOf)
    byId.value[conversation.id] = conversation
    if (conversation.endedAt === undefined) currentIds.value.add(conversation.id)
    else currentIds.value.delete(conversation.id)
  }

  function subscribe(): void {
    unsubscribe ??= [
      onEvent('conversations:changed', (conversation) => {
        put(conversation)
      }),
      onEvent('conversations:removed', ({ id }) => {
        currentIds.value.delete(id)
        delete byId.value[id]
      }),
    ]
  }

  async function load(): Promise<void> {
    subscribe()
    loading.value = true
    try {
      // The newest page first, so the list paints at once; older pages follow (the engine pages by
      // 100 by default), so the name filter and the unread count cover every thread.
      const ids = new Set<string>()
      let limit = FIRST_PAGE
      let page = await call('conversations:list', { limit })
      for (;;) {
        for (const c of page) {
          put(c)
          ids.add(c.id)
        }
        loaded.value = true
        const last = page.at(-1)
        if (!last || page.length < limit) break
        limit = NEXT_PAGE
        page = await call('conversations:list', { limit, cursor: `${last.lastActivityAt}:${last.id}` })
      }
      for (const id of currentIds.value) if (!ids.has(id)) currentIds.value.delete(id)
      error.value = undefined
    } catch (e) {
      error.value = errorText(e)
    } finally {
      loading.value = false
    }
  }

  /** One conversation, fetched when not known yet (a link, a search result, an ended thread). */
  async function ensure(id: string): Promise<Conversation | undefined> {
    subscribe()
    if (byId.value[id]) return byId.value[id]
    try {
      const conversation = await call('conversations:get', { id })
      byId.value[id] = conversation
      if (conversation.endedAt === undefined && loaded.value) currentIds.value.add(id)
      return conversation
    } catch (e) {
      error.value = errorText(e)
      return undefined
    }
  }

  /** All of a contact's threads across channels, newest first, ended ones included. */
  async function listForContact(contactId: string): Promise<Conversation[]> {
    subscribe()
    const list = await call('conversations:list', { contactId })
    for (const c of list) byId.value[c.id] = c
    return list
  }

  /** The open thread with a contact on a channel (from what is known), newest first. */
  function openThreadWith(contactId: string, channel: Channel): Conversation | undefined {
    return Object.values(byId.value)
      .filter((c) => c.contactId === contactId && c.channel === channel && c.endedAt === undefined)
      .sort(newestFirst)[0]
  }

  /**
   * Opens the user's thread with a contact (`newThread` forces a new one). A WhatsApp start does
   * not send the opt-in request: the composer asks before the first message.
   */
  async function start(contactId: string, channel: 'whatsapp' | 'sms', newThread = false): Promise<Conversation> {
    subscribe()
    const conversation = await call('conversations:start', {
      contactId,
      channel,
      ...(newThread ? { newThread: true } : {}),
      ...(channel === 'whatsapp' ? { requestConsent: false } : {}),
    })
    put(conversation)
    return conversation
  }

  async function markRead(id: string): Promise<void> {
    const conversation = byId.value[id]
    if (conversation) byId.value[id] = { ...conversation, unread: 0 }
    try {
      await call('conversations:markRead', { id })
    } catch {
      // Not a participant (an ended thread opened from History): nothing to mark.
    }
  }

  // The engine rate-limits too; this only spares a request per keystroke.
  const typingSentAt = new Map<string, number>()
  /** Tells the person "typing…" on WhatsApp (the engine decides whether it may). */
  function typing(id: string): void {
    const now = Date.now()
    if (byId.value[id]?.channel !== 'whatsapp' || now - (typingSentAt.get(id) ?? 0) < 20_000) return
    typingSentAt.set(id, now)
    call('conversations:typing', { id }).catch(() => undefined)
  }

  return {
    typing,
    byId,
    all,
    visible,
    filter,
    query,
    loading,
    loaded,
    error,
    unreadTotal,
    load,
    ensure,
    listForContact,
    openThreadWith,
    start,
    markRead,
    put,
  }
})
