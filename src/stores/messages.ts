import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Message } from '../../electron/shared/domain'
import { ApiRequestError, call, onEvent } from '../api/client'
import { observeServerTime, serverNow } from '../composables/useServerClock'
import { errorText } from './conversations'

export const PAGE_SIZE = 50
/** Bigger pages while hunting for a message (a search result deep in a long thread). */
const HUNT_PAGE_SIZE = 500

export interface Thread {
  /** Loaded messages, oldest first (by `seq`); optimistic sends sit at the end. */
  items: Message[]
  hasOlder: boolean
  loading: boolean
  loadingOlder: boolean
  error?: string
}

export type SendOutcome =
  | { ok: true; message: Message }
  /** A lexicon warning: show `reason`, and resend with the same clientId and `confirmWarning` if the user agrees. */
  | { ok: false; kind: 'warn'; reason: string; clientId: string }
  /** Not sent (lexicon block, ended thread, lost connection…): show `reason`. */
  | { ok: false; kind: 'error'; reason: string; clientId: string }

const LOCAL_PREFIX = 'local:'

export function isLocal(message: Message): boolean {
  return message.id.startsWith(LOCAL_PREFIX)
}

function insertSorted(items: Message[], message: Message): void {
  let index = items.length
  while (index > 0 && (isLocal(items[index - 1]) || items[index - 1].seq > message.seq)) index--
  items.splice(index, 0, message)
}

/** Pages of messages per conversation, optimistic sends with rollback, live from `messages:changed`. */
export const useMessagesStore = defineStore('messages', () => {
  const threads = ref<Record<string, Thread>>({})
  /** Bumped when a message not sent from here arrives in a thread (the list shows the pill). */
  const arrivals = ref<Record<string, number>>({})
  let unsubscribe: (() => void) | undefined

  function thread(conversationId: string): Thread {
    threads.value[conversationId] ??= { items: [], hasOlder: true, loading: false, loadingOlder: false }
    return threads.value[conversationId]
  }

  function upsert(message: Message): boolean {
    const current = threads.value[message.conversationId]
    if (!current) return false
    // Team mode: the server's copy of a message written offline takes the waiting one's place.
    if (message.replaces) current.items = current.items.filter((m) => m.id !== message.replaces)
    const index = current.items.findIndex((m) => m.id === message.id)
    if (index >= 0) {
      current.items[index] = message
      return false
    }
    const oldest = current.items.find((m) => !isLocal(m))
    // An update to a message older than the loaded page is fetched when the user scrolls there.
    if (oldest && message.seq < oldest.seq && current.hasOlder) return false
    insertSorted(current.items, message)
    return true
  }

  /**
   * Newest pages asked for before their thread is opened (a row hovered or focused), kept for a
   * few seconds: opening it then starts from the answer instead of a round trip (issue 21).
   */
  const prefetched = new Map<string, { at: number; page: Promise<Message[]> }>()
  const PREFETCH_FRESH_MS = 10_000

  function subscribe(): void {
    unsubscribe ??= onEvent('messages:changed', (message) => {
      // A prefetched page may predate this change: ask again when the thread opens.
      prefetched.delete(message.conversationId)
      observeServerTime(Math.max(message.createdAt, message.updatedAt))
      if (upsert(message) && !message.replaces) arrivals.value[message.conversationId] = (arrivals.value[message.conversationId] ?? 0) + 1
    })
  }

  /** Asks for a thread's newest page ahead of its opening (a no-op when it is loaded or asked for). */
  function prefetchLatest(conversationId: string): void {
    subscribe()
    const asked = prefetched.get(conversationId)
    if (threads.value[conversationId] || (asked && Date.now() - asked.at < PREFETCH_FRESH_MS)) return
    const page = call('messages:list', { conversationId, limit: PAGE_SIZE })
    page.catch(() => prefetched.delete(conversationId))
    prefetched.set(conversationId, { at: Date.now(), page })
  }

  /** The prefetched newest page if it is fresh (taken: it is used once), else a new request. */
  function latestPage(conversationId: string): Promise<Message[]> {
    const asked = prefetched.get(conversationId)
    prefetched.delete(conversationId)
    if (asked && Date.now() - asked.at < PREFETCH_FRESH_MS) return asked.page
    return call('messages:list', { conversationId, limit: PAGE_SIZE })
  }

  /** Loads the newest page (again): the thread's bottom. */
  async function loadLatest(conversationId: string): Promise<void> {
    subscribe()
    const current = thread(conversationId)
    current.loading = true
    try {
      const page = await latestPage(conversationId)
      const locals = current.items.filter(isLocal)
      current.items = [...page, ...locals]
      current.hasOlder = page.length === PAGE_SIZE
      current.error = undefined
    } catch (e) {
      current.error = errorText(e)
    } finally {
      current.loading = false
    }
  }

  /** Loads the page before the oldest loaded message; resolves with how many arrived. */
  async function loadOlder(conversationId: string, limit = PAGE_SIZE): Promise<number> {
    const current = thread(conversationId)
    if (!current.hasOlder || current.loadingOlder || current.loading) return 0
    const oldest = current.items.find((m) => !isLocal(m))
    if (!oldest) return 0
    current.loadingOlder = true
    try {
      const page = await call('messages:list', { conversationId, before: oldest.seq, limit })
      const known = new Set(current.items.map((m) => m.id))
      current.items = [...page.filter((m) => !known.has(m.id)), ...current.items]
      current.hasOlder = page.length === limit
      return page.length
    } catch (e) {
      current.error = errorText(e)
      return 0
    } finally {
      current.loadingOlder = false
    }
  }

  /** Loads older pages until `messageId` is loaded; false when the thread does not have it. */
  async function loadUntil(conversationId: string, messageId: string): Promise<boolean> {
    const current = thread(conversationId)
    if (current.items.length === 0 && !current.loading) await loadLatest(conversationId)
    while (!current.items.some((m) => m.id === messageId)) {
      if (!current.hasOlder) return false
      if ((await loadOlder(conversationId, HUNT_PAGE_SIZE)) === 0 && current.loadingOlder === false && current.error) return false
    }
    return true
  }

  /**
   * Sends text with an optimistic bubble that is rolled back if the engine refuses. `clientId`
   * makes a repeat of the same send (after a lexicon warning, a lost answer) idempotent.
   */
  async function send(
    conversationId: string,
    text: string,
    options: { clientId?: string; confirmWarning?: boolean; authorName?: string; replyTo?: string } = {},
  ): Promise<SendOutcome> {
    subscribe()
    const clientId = options.clientId ?? crypto.randomUUID()
    const current = thread(conversationId)
    const now = serverNow()
    const local: Message = {
      id: `${LOCAL_PREFIX}${clientId}`,
      seq: Number.MAX_SAFE_INTEGER,
      conversationId,
      direction: 'out',
      kind: 'text',
      text,
      status: 'sending',
      createdAt: now,
      updatedAt: now,
      ...(options.authorName ? { authorName: options.authorName } : {}),
    }
    current.items.push(local)
    const rollback = () => {
      current.items = current.items.filter((m) => m.id !== local.id)
    }
    try {
      const message = await call('messages:send', {
        conversationId,
        text,
        clientId,
        ...(options.confirmWarning ? { confirmWarning: true } : {}),
        ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      })
      rollback()
      observeServerTime(message.createdAt)
      upsert(message)
      return { ok: true, message }
    } catch (e) {
      rollback()
      const details = e instanceof ApiRequestError ? (e.error.details as { lexicon?: string } | undefined) : undefined
      if (e instanceof ApiRequestError && e.error.code === 'conflict' && details?.lexicon === 'warn') {
        return { ok: false, kind: 'warn', reason: e.error.message, clientId }
      }
      return { ok: false, kind: 'error', reason: errorText(e), clientId }
    }
  }

  async function act(channel: 'messages:retry' | 'messages:cancel' | 'messages:retryDownload', id: string): Promise<string | undefined> {
    try {
      upsert(await call(channel, { id }))
      return undefined
    } catch (e) {
      return errorText(e)
    }
  }

  /** Reacts to a message (`''` removes the reaction); WhatsApp's refusal comes back as text. */
  async function react(id: string, emoji: string): Promise<string | undefined> {
    try {
      upsert(await call('messages:react', { id, emoji }))
      return undefined
    } catch (e) {
      return errorText(e)
    }
  }

  return {
    threads,
    react,
    arrivals,
    thread,
    loadLatest,
    prefetchLatest,
    loadOlder,
    loadUntil,
    send,
    retry: (id: string) => act('messages:retry', id),
    cancel: (id: string) => act('messages:cancel', id),
    retryDownload: (id: string) => act('messages:retryDownload', id),
  }
})
