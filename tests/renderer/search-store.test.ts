// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Conversation, SearchHit } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useSearchStore } = await import('../../src/stores/search')

const hit = (id: string, conversationId: string, thread: Partial<SearchHit['thread']> = {}): SearchHit => ({
  message: { id, seq: 1, conversationId, direction: 'in', kind: 'text', text: 'order', status: 'received', createdAt: 1, updatedAt: 1 },
  conversationId,
  snippet: 'order',
  highlights: [[0, 5]],
  thread: { contactName: `Name in ${conversationId}`, channel: 'sms', ended: false, current: true, ...thread },
})
const conversation = (id: string, contactName: string): Conversation => ({
  id,
  contactId: `c-${id}`,
  contactName,
  channel: 'whatsapp',
  state: 'active',
  consent: 'granted',
  participants: [],
  unread: 0,
  lastActivityAt: 1,
  createdAt: 1,
  asOf: 1,
})

describe('useSearchStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it("groups hits by thread in the order of each thread's best hit, named after the contact", async () => {
    api.answer({
      'search:messages': [hit('m1', 'v2'), hit('m2', 'v1'), hit('m3', 'v2')],
      'conversations:get': ({ id }: { id: string }) => conversation(id, id === 'v1' ? 'Ana Souza' : 'Ben Okafor'),
    })
    const store = useSearchStore()
    await store.search('  order ')
    expect(api.call).toHaveBeenCalledWith('search:messages', { query: 'order', limit: 100 })
    expect(store.groups.map((g) => [g.title, g.channel, g.hits.map((h) => h.message.id)])).toEqual([
      ['Ben Okafor', 'whatsapp', ['m1', 'm3']],
      ['Ana Souza', 'whatsapp', ['m2']],
    ])
    expect(store.searched).toBe(true)
    expect(store.searching).toBe(false)
  })

  it('names a thread it could not fetch from the hit itself, and says when it ended or was left', async () => {
    api.answer({
      'search:messages': [hit('m1', 'gone', { ended: true, current: false, channel: 'whatsapp' }), hit('m2', 'left', { current: false })],
      'conversations:get': () => {
        throw new ApiRequestError({ code: 'forbidden', message: 'You are not in this conversation' })
      },
    })
    const store = useSearchStore()
    await store.search('order')
    expect(store.groups.map((g) => [g.title, g.channel, g.status])).toEqual([
      ['Name in gone', 'whatsapp', 'Ended · you had left it'],
      ['Name in left', 'sms', 'You left this conversation'],
    ])
  })

  it('an empty query clears the results without asking the engine', async () => {
    api.answer({ 'search:messages': [hit('m1', 'v1')], 'conversations:get': conversation('v1', 'Ana Souza') })
    const store = useSearchStore()
    await store.search('order')
    api.call.mockClear()
    await store.search('   ')
    expect(store.groups).toEqual([])
    expect(store.searched).toBe(false)
    expect(api.call).not.toHaveBeenCalled()
  })

  it('shows the answer to the latest query when an older one answers late', async () => {
    let answerOld!: (hits: SearchHit[]) => void
    api.call.mockImplementation(async (channel: string, payload: { query?: string; id?: string }) => {
      if (channel === 'conversations:get') return conversation(payload.id!, 'Ana Souza')
      if (payload.query === 'ord') return new Promise((resolve) => (answerOld = resolve))
      return [hit('new', 'v1')]
    })
    const store = useSearchStore()
    const old = store.search('ord')
    await store.search('order')
    answerOld([hit('old', 'v1')])
    await old
    expect(store.query).toBe('order')
    expect(store.hits.map((h) => h.message.id)).toEqual(['new'])
    expect(store.searching).toBe(false)
  })

  it('pages: a full page offers older hits, which come before the last one shown and join its thread', async () => {
    const page = (from: number, count: number, conversationId = 'v1') =>
      Array.from({ length: count }, (_, i) => hit(`m${from + i}`, conversationId))
    api.answer({
      'search:messages': ({ before }: { before?: string }) => (before ? [...page(100, 30), hit('other', 'v2')] : page(0, 100)),
      'conversations:get': ({ id }: { id: string }) => conversation(id, id === 'v1' ? 'Ana Souza' : 'Ben Okafor'),
    })
    const store = useSearchStore()
    await store.search('order')
    expect(store.more).toBe(true)

    await store.loadMore()
    expect(api.call).toHaveBeenCalledWith('search:messages', { query: 'order', limit: 100, before: 'm99' })
    expect(store.hits).toHaveLength(131)
    expect(store.groups.map((g) => [g.title, g.hits.length])).toEqual([
      ['Ana Souza', 130],
      ['Ben Okafor', 1],
    ])
    // A short page was the last one.
    expect(store.more).toBe(false)
    api.call.mockClear()
    await store.loadMore()
    expect(api.call).not.toHaveBeenCalled()
  })

  it('drops an older page that answers after a new query', async () => {
    let answerPage!: (hits: SearchHit[]) => void
    api.call.mockImplementation(async (channel: string, payload: { query?: string; id?: string; before?: string }) => {
      if (channel === 'conversations:get') return conversation(payload.id!, 'Ana Souza')
      if (payload.before) return new Promise((resolve) => (answerPage = resolve))
      return Array.from({ length: payload.query === 'order' ? 100 : 1 }, (_, i) => hit(`${payload.query}-${i}`, 'v1'))
    })
    const store = useSearchStore()
    await store.search('order')
    const older = store.loadMore()
    await store.search('invoice')
    answerPage([hit('order-old', 'v1')])
    await older
    expect(store.hits.map((h) => h.message.id)).toEqual(['invoice-0'])
    expect(store.more).toBe(false)
    expect(store.loadingMore).toBe(false)
  })

  it('says why a search failed', async () => {
    api.answer({
      'search:messages': () => {
        throw new ApiRequestError({ code: 'invalid', message: 'Type at least 2 characters' })
      },
    })
    const store = useSearchStore()
    await store.search('o')
    expect(store.error).toBe('Type at least 2 characters')
    expect(store.searching).toBe(false)
  })
})
