import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowReactive, shallowRef } from 'vue'
import type { Channel, Conversation } from '../../electron/shared/domain'
import { ApiRequestError, call, onEvent } from '../api/client'
import { observeServerTime } from '../composables/useServerClock'
import { t } from '../i18n'

export type ConversationFilter = 'all' | 'whatsapp' | 'sms' | 'voicemail' | 'unread'

export function errorText(e: unknown): string {
  return e instanceof ApiRequestError ? e.error.message : (e as Error).message || t('errors.generic')
}

/** Lower case without accents, so "chloe" finds "Chloé". */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/**
 * Conversations asked for per request: a screenful and more first, then pages small enough that
 * the engine answers each in ~10 ms, so opening a thread never queues behind a long one.
 */
const FIRST_PAGE = 100
const NEXT_PAGE = 250

/**
 * Resolves when the page has a moment to spare (at most `timeoutMs` later): older pages wait for
 * it, so a click that opens a thread is not queued behind them in the renderer or the engine.
 */
function whenIdle(timeoutMs = 300): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: timeoutMs })
    else setTimeout(resolve, 0)
  })
}

const newestFirst = (a: Conversation, b: Conversation) => b.lastActivityAt - a.lastActivityAt

/** Where `conversation` belongs in a newest-first list: before the first row with older activity. */
function insertionIndex(list: readonly Conversation[], conversation: Conversation): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (list[middle].lastActivityAt > conversation.lastActivityAt) low = middle + 1
    else high = middle
  }
  return low
}

/** Merges two newest-first lists in one pass (on ties, `older` rows stay first). */
function merge(older: readonly Conversation[], page: readonly Conversation[]): Conversation[] {
  const out = new Array<Conversation>(older.length + page.length)
  let i = 0
  let j = 0
  let k = 0
  while (i < older.length && j < page.length) out[k++] = newestFirst(older[i], page[j]) <= 0 ? older[i++] : page[j++]
  while (i < older.length) out[k++] = older[i++]
  while (j < page.length) out[k++] = page[j++]
  return out
}

/**
 * The conversations the signed-in user takes part in, kept live from `conversations:changed` /
 * `conversations:removed`. Ended threads (a contact's History) are kept by id but not listed.
 *
 * Ten thousand threads stay cheap (issue 21): conversations are plain objects (the store replaces a
 * row, it never mutates one), so neither the map nor the list is made deeply reactive; the list is
 * kept newest first by merging each page in and moving only the rows that change, never re-sorted.
 */
export const useConversationsStore = defineStore('conversations', () => {
  /** Every known conversation; reactive per id, its values plain. */
  const byId = shallowReactive<Record<string, Conversation>>({})
  /** The user's current threads (what `conversations:list` without a contact returns), newest first. */
  const current = shallowRef<Conversation[]>([])
  const filter = ref<ConversationFilter>('all')
  /** The name typed in the list's filter box (case and accents ignored). */
  const query = ref('')
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string>()
  let unsubscribe: Array<() => void> | undefined

  const all = computed(() => current.value)
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

  /** Takes `conversation` (new or changed) into the list: in place, moved, or out when ended. */
  function place(conversation: Conversation): void {
    const list = current.value
    const index = list.findIndex((c) => c.id === conversation.id)
    const listed = conversation.endedAt === undefined
    if (index >= 0 && listed && list[index].lastActivityAt === conversation.lastActivityAt) {
      const next = list.slice()
      next[index] = conversation
      current.value = next
      return
    }
    if (index < 0 && !listed) return
    const next = index >= 0 ? [...list.slice(0, index), ...list.slice(index + 1)] : list.slice()
    if (listed) next.splice(insertionIndex(next, conversation), 0, conversation)
    current.value = next
  }

  function put(conversation: Conversation): void {
    observeServerTime(conversation.asOf)
    byId[conversation.id] = markRaw(conversation)
    place(conversation)
  }

  /** Keeps the newer of two copies of a conversation (a live change may overtake a page in flight). */
  function remember(conversation: Conversation): Conversation {
    observeServerTime(conversation.asOf)
    const known = byId[conversation.id]
    if (known && known.asOf > conversation.asOf) return known
    byId[conversation.id] = markRaw(conversation)
    return conversation
  }

  /** Takes pages of the list in: known rows are replaced, and the rest merged in order. */
  function putPage(page: Conversation[]): void {
    const rows = page.map(remember)
    const ids = new Set(rows.map((c) => c.id))
    const rest = current.value.some((c) => ids.has(c.id)) ? current.value.filter((c) => !ids.has(c.id)) : current.value
    current.value = merge(rest, rows.filter((c) => c.endedAt === undefined).sort(newestFirst))
  }

  function remove(id: string): void {
    if (current.value.some((c) => c.id === id)) current.value = current.value.filter((c) => c.id !== id)
  }

  const arrivalListeners = new Set<(conversation: Conversation) => void>()
  /**
   * Calls `listener` for each change that brings a new inbound message (the unread count grew),
   * told before the change is applied. Returns its unsubscribe.
   */
  function onArrival(listener: (conversation: Conversation) => void): () => void {
    arrivalListeners.add(listener)
    return () => arrivalListeners.delete(listener)
  }

  function subscribe(): void {
    unsubscribe ??= [
      onEvent('conversations:changed', (conversation) => {
        const before = byId[conversation.id]?.unread ?? 0
        if (conversation.unread > before && conversation.lastMessage?.direction === 'in')
          for (const listener of arrivalListeners) listener(conversation)
        put(conversation)
      }),
      onEvent('conversations:removed', ({ id }) => {
        remove(id)
        delete byId[id]
      }),
    ]
  }

  let prefetched: Promise<Conversation[]> | undefined
  /**
   * Asks for the newest page now, before the list is on screen: sent right behind the sign-in,
   * it arrives with it instead of one round trip later. The next `load` takes it (or, if it
   * failed, asks again).
   */
  function prefetchFirstPage(): void {
    subscribe()
    prefetched = call('conversations:list', { limit: FIRST_PAGE })
    prefetched.catch(() => undefined)
  }

  /** Work that older pages wait for: a thread being opened goes first, in the renderer and the engine. */
  const holds = new Set<Promise<void>>()
  /**
   * Older pages are not asked for until `until` settles (or 2 s have passed, so a stuck open
   * never stops the list): each page is ~150 kB to answer, parse and merge, and opening a thread
   * behind one waited for it (issue 21, thread_open_ms).
   */
  function holdPaging(until: Promise<unknown>): void {
    const settled = Promise.race([until, new Promise((resolve) => setTimeout(resolve, 2000))]).then(
      () => undefined,
      () => undefined,
    )
    holds.add(settled)
    void settled.then(() => holds.delete(settled))
  }

  async function pagingAllowed(): Promise<void> {
    await whenIdle()
    while (holds.size) {
      await Promise.all(holds)
      await whenIdle()
    }
  }

  let loadingNow: Promise<void> | undefined
  /**
   * Loads every current thread, page by page. Calls while a load runs share it: the list and the
   * unread cues both ask at start, and two walks of ten thousand threads would double the work.
   */
  function load(): Promise<void> {
    loadingNow ??= loadAll().finally(() => (loadingNow = undefined))
    return loadingNow
  }

  async function loadAll(): Promise<void> {
    subscribe()
    loading.value = true
    try {
      // The newest page first, so the list paints at once; older pages follow (the engine pages by
      // 100 by default), so the name filter and the unread count cover every thread.
      const ids = new Set<string>()
      let limit = FIRST_PAGE
      const early = prefetched
      prefetched = undefined
      let page = (early && (await early.catch(() => undefined))) || (await call('conversations:list', { limit }))
      for (;;) {
        // Each page joins the list as it arrives: a fast fling must not meet a false end.
        putPage(page)
        for (const c of page) ids.add(c.id)
        loaded.value = true
        const last = page.at(-1)
        if (!last || page.length < limit) break
        limit = NEXT_PAGE
        await pagingAllowed()
        page = await call('conversations:list', { limit, cursor: `${last.lastActivityAt}:${last.id}` })
      }
      if (current.value.some((c) => !ids.has(c.id))) current.value = current.value.filter((c) => ids.has(c.id))
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
    if (byId[id]) return byId[id]
    try {
      const conversation = markRaw(await call('conversations:get', { id }))
      byId[id] = conversation
      if (loaded.value) place(conversation)
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
    for (const c of list) byId[c.id] = markRaw(c)
    return list
  }

  /** The open thread with a contact on a channel (from what is known), newest first. */
  function openThreadWith(contactId: string, channel: Channel): Conversation | undefined {
    return Object.values(byId)
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
    const conversation = byId[id]
    if (conversation?.unread) {
      const read = markRaw({ ...conversation, unread: 0 })
      byId[id] = read
      place(read)
    }
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
    if (byId[id]?.channel !== 'whatsapp' || now - (typingSentAt.get(id) ?? 0) < 20_000) return
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
    holdPaging,
    prefetchFirstPage,
    onArrival,
    ensure,
    listForContact,
    openThreadWith,
    start,
    markRead,
    put,
  }
})
