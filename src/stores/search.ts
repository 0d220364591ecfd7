import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { SearchHit } from '../../electron/shared/domain'
import { call } from '../api/client'
import { t } from '../i18n'
import { errorText, useConversationsStore } from './conversations'

export interface SearchGroup {
  conversationId: string
  title: string
  channel?: string
  /** Said beside the title when the thread is not an open one of yours: "Ended", "You left". */
  status?: string
  hits: SearchHit[]
}

function threadStatus(thread: SearchHit['thread'] | undefined): string | undefined {
  if (!thread) return undefined
  if (thread.ended) return thread.current ? t('search.status.ended') : t('search.status.endedLeft')
  return thread.current ? undefined : t('search.status.left')
}

/** Hits asked for at a time; a full page means older ones may follow. */
const SEARCH_PAGE = 100

/** Full-text search over the user's history; results grouped by thread in order of their best hit. */
export const useSearchStore = defineStore('search', () => {
  const query = ref('')
  const hits = ref<SearchHit[]>([])
  const searching = ref(false)
  const searched = ref(false)
  /** The last page was full: older hits may follow (`loadMore`). */
  const more = ref(false)
  const loadingMore = ref(false)
  const error = ref<string>()
  let latest = 0

  const conversations = useConversationsStore()

  const groups = computed<SearchGroup[]>(() => {
    const map = new Map<string, SearchGroup>()
    for (const hit of hits.value) {
      let group = map.get(hit.conversationId)
      if (!group) {
        const conversation = conversations.byId[hit.conversationId]
        group = {
          conversationId: hit.conversationId,
          title: conversation?.contactName ?? hit.thread?.contactName ?? 'Conversation',
          channel: conversation?.channel ?? hit.thread?.channel,
          status: threadStatus(hit.thread),
          hits: [],
        }
        map.set(hit.conversationId, group)
      }
      group.hits.push(hit)
    }
    return [...map.values()]
  })

  async function search(text: string): Promise<void> {
    query.value = text
    const trimmed = text.trim()
    const ticket = ++latest
    more.value = false
    loadingMore.value = false
    if (!trimmed) {
      hits.value = []
      searched.value = false
      return
    }
    searching.value = true
    try {
      const found = await call('search:messages', { query: trimmed, limit: SEARCH_PAGE })
      if (ticket !== latest) return
      hits.value = found
      more.value = found.length === SEARCH_PAGE
      error.value = undefined
      searched.value = true
      await nameThreads(found)
    } catch (e) {
      if (ticket === latest) error.value = errorText(e)
    } finally {
      if (ticket === latest) searching.value = false
    }
  }

  /** The next, older page of the same query, added below the hits shown. */
  async function loadMore(): Promise<void> {
    const last = hits.value.at(-1)
    if (!more.value || loadingMore.value || !last) return
    const ticket = latest
    loadingMore.value = true
    try {
      const found = await call('search:messages', { query: query.value.trim(), limit: SEARCH_PAGE, before: last.message.id })
      // A new query meanwhile: its answer is what shows.
      if (ticket !== latest) return
      hits.value = [...hits.value, ...found]
      more.value = found.length === SEARCH_PAGE
      error.value = undefined
      await nameThreads(found)
    } catch (e) {
      if (ticket === latest) error.value = errorText(e)
    } finally {
      if (ticket === latest) loadingMore.value = false
    }
  }

  /** Names for threads not in the list yet (ended ones, or the list not loaded). */
  function nameThreads(found: SearchHit[]): Promise<unknown> {
    return Promise.all([...new Set(found.map((h) => h.conversationId))].map((id) => conversations.ensure(id)))
  }

  return { query, hits, groups, searching, searched, more, loadingMore, error, search, loadMore }
})
