// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Conversation } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useConversationsStore } = await import('../../src/stores/conversations')

const conversation = (id: string, fields: Partial<Conversation> = {}): Conversation => ({
  id,
  contactId: `c-${id}`,
  contactName: `Contact ${id}`,
  channel: 'whatsapp',
  state: 'active',
  consent: 'granted',
  participants: [],
  unread: 0,
  lastActivityAt: 1,
  createdAt: 1,
  asOf: 1,
  ...fields,
})

const inbox = [
  conversation('old', { channel: 'sms', lastActivityAt: 10, unread: 2 }),
  conversation('new', { channel: 'whatsapp', lastActivityAt: 30 }),
  conversation('mid', { channel: 'voicemail', lastActivityAt: 20, unread: 1 }),
]

/** Serves `threads` in pages after a cursor, as the engine does; returns what was asked for. */
function servePages(threads: Conversation[]): Array<{ limit: number; cursor?: string }> {
  const asked: Array<{ limit: number; cursor?: string }> = []
  api.answer({
    'conversations:list': (payload: { limit: number; cursor?: string }) => {
      asked.push(payload)
      const from = payload.cursor ? threads.findIndex((c) => `${c.lastActivityAt}:${c.id}` === payload.cursor) + 1 : 0
      return threads.slice(from, from + payload.limit)
    },
  })
  return asked
}

describe('useConversationsStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it('lists the newest activity first and totals the unread messages', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    await store.load()
    expect(store.visible.map((c) => c.id)).toEqual(['new', 'mid', 'old'])
    expect(store.unreadTotal).toBe(3)
    expect(store.loaded).toBe(true)
  })

  it('filters by channel and by unread', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    await store.load()
    store.filter = 'sms'
    expect(store.visible.map((c) => c.id)).toEqual(['old'])
    store.filter = 'voicemail'
    expect(store.visible.map((c) => c.id)).toEqual(['mid'])
    store.filter = 'unread'
    expect(store.visible.map((c) => c.id)).toEqual(['mid', 'old'])
    store.filter = 'all'
    expect(store.visible).toHaveLength(3)
  })

  it('follows the engine: a new message moves a thread to the top, an ended or removed thread leaves the list', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    await store.load()
    api.emit('conversations:changed', conversation('old', { channel: 'sms', lastActivityAt: 40, unread: 3 }))
    expect(store.visible.map((c) => c.id)).toEqual(['old', 'new', 'mid'])
    expect(store.unreadTotal).toBe(4)

    api.emit('conversations:changed', conversation('new', { state: 'ended', endedAt: 50, lastActivityAt: 50 }))
    expect(store.visible.map((c) => c.id)).toEqual(['old', 'mid'])
    // Still known by id: History can open it.
    expect(store.byId.new?.state).toBe('ended')

    api.emit('conversations:removed', { id: 'mid' })
    expect(store.visible.map((c) => c.id)).toEqual(['old'])
    expect(store.byId.mid).toBeUndefined()
  })

  it('takes the first page asked for at sign-in instead of asking again, and asks again if it failed', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    store.prefetchFirstPage()
    await store.load()
    expect(store.visible.map((c) => c.id)).toEqual(['new', 'mid', 'old'])
    expect(api.call).toHaveBeenCalledTimes(1)

    testingPinia({ stubActions: false })
    let refused = true
    api.answer({
      'conversations:list': () => {
        if (!refused) return inbox
        refused = false
        throw new ApiRequestError({ code: 'forbidden', message: 'Sign in first' })
      },
    })
    const next = useConversationsStore()
    next.prefetchFirstPage()
    await next.load()
    expect(next.visible).toHaveLength(3)
    expect(next.error).toBeUndefined()
  })

  it('tells of a new inbound message before applying it, whoever subscribed first', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    store.prefetchFirstPage()
    await store.load()
    const arrivals: Array<[string, number]> = []
    // Registered after the store subscribed: it still hears of the arrival, with the count before it.
    store.onArrival((c) => arrivals.push([c.id, store.byId[c.id]?.unread ?? 0]))
    const incoming = { direction: 'in' as const, text: 'Hi', at: 40 }
    api.emit('conversations:changed', conversation('mid', { channel: 'voicemail', lastActivityAt: 40, unread: 2, lastMessage: incoming }))
    // Read elsewhere, or our own message: no arrival.
    api.emit('conversations:changed', conversation('mid', { channel: 'voicemail', lastActivityAt: 40, unread: 0, lastMessage: incoming }))
    api.emit(
      'conversations:changed',
      conversation('new', { lastActivityAt: 50, unread: 0, lastMessage: { ...incoming, direction: 'out' } }),
    )
    expect(arrivals).toEqual([['mid', 1]])
  })

  it('pages through every thread, so the name filter finds one beyond the first page', async () => {
    // 1,150 threads, newest first, served in pages after a cursor as the engine does.
    const threads = Array.from({ length: 1150 }, (_, i) =>
      conversation(`t${i}`, { lastActivityAt: 5000 - i, contactName: i === 1120 ? 'Chloé Martin' : `Customer ${i}` }),
    )
    const asked = servePages(threads)
    const store = useConversationsStore()
    await store.load()
    expect(asked).toEqual([
      { limit: 100 },
      { limit: 250, cursor: '4901:t99' },
      { limit: 250, cursor: '4651:t349' },
      { limit: 250, cursor: '4401:t599' },
      { limit: 250, cursor: '4151:t849' },
      { limit: 250, cursor: '3901:t1099' },
    ])
    expect(store.all).toHaveLength(1150)
    store.query = 'chloe'
    expect(store.visible.map((c) => c.contactName)).toEqual(['Chloé Martin'])
  })

  it('asks for older pages only once a thread being opened is painted, or after 2 s at most', async () => {
    vi.useFakeTimers()
    try {
      const threads = Array.from({ length: 400 }, (_, i) => conversation(`t${i}`, { lastActivityAt: 5000 - i }))
      const asked = servePages(threads)
      const store = useConversationsStore()
      let painted!: () => void
      store.holdPaging(new Promise<void>((resolve) => (painted = resolve)))
      const loading = store.load()
      await vi.advanceTimersByTimeAsync(1000)
      expect(asked).toHaveLength(1)
      painted()
      await vi.advanceTimersByTimeAsync(1000)
      await loading
      expect(asked).toHaveLength(3)
      expect(store.all).toHaveLength(400)

      // An open that never finishes holds the list back for 2 s, not for ever.
      asked.length = 0
      store.holdPaging(new Promise<void>(() => undefined))
      const again = store.load()
      await vi.advanceTimersByTimeAsync(1500)
      expect(asked).toHaveLength(1)
      await vi.advanceTimersByTimeAsync(1500)
      await again
      expect(asked).toHaveLength(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('keeps a live change that overtakes a page in flight, and the list in order without re-sorting', async () => {
    const threads = Array.from({ length: 400 }, (_, i) => conversation(`t${i}`, { lastActivityAt: 5000 - i, asOf: 1 }))
    api.answer({
      'conversations:list': (payload: { limit: number; cursor?: string }) => {
        const from = payload.cursor ? threads.findIndex((c) => `${c.lastActivityAt}:${c.id}` === payload.cursor) + 1 : 0
        // While the second page is on its way, t150 gets a new message.
        if (payload.cursor) api.emit('conversations:changed', conversation('t150', { lastActivityAt: 9000, unread: 1, asOf: 2 }))
        return threads.slice(from, from + payload.limit)
      },
    })
    const store = useConversationsStore()
    await Promise.all([store.load(), store.load()])
    expect(api.call.mock.calls.filter(([channel]) => channel === 'conversations:list')).toHaveLength(3)
    expect(store.all).toHaveLength(400)
    expect(store.all[0]).toMatchObject({ id: 't150', unread: 1 })
    expect(store.all.slice(1).map((c) => c.lastActivityAt)).toEqual(threads.filter((c) => c.id !== 't150').map((c) => c.lastActivityAt))
    expect(store.unreadTotal).toBe(1)
  })

  it('a reload drops threads the engine no longer lists', async () => {
    api.answer({ 'conversations:list': inbox })
    const store = useConversationsStore()
    await store.load()
    api.answer({ 'conversations:list': [inbox[1]] })
    await store.load()
    expect(store.visible.map((c) => c.id)).toEqual(['new'])
  })

  it('says why the list could not load', async () => {
    api.answer({
      'conversations:list': () => {
        throw new ApiRequestError({ code: 'unavailable', message: 'The connection to Greenline was lost' })
      },
    })
    const store = useConversationsStore()
    await store.load()
    expect(store.error).toBe('The connection to Greenline was lost')
    expect(store.loading).toBe(false)
    expect(store.loaded).toBe(false)
  })

  it('clears the unread count at once when a thread is read, even if the engine refuses', async () => {
    api.answer({
      'conversations:list': inbox,
      'conversations:markRead': () => {
        throw new ApiRequestError({ code: 'forbidden', message: 'Not a participant' })
      },
    })
    const store = useConversationsStore()
    await store.load()
    await store.markRead('old')
    expect(store.byId.old?.unread).toBe(0)
    expect(store.unreadTotal).toBe(1)
    expect(api.call).toHaveBeenCalledWith('conversations:markRead', { id: 'old' })
  })

  it('fetches a thread it does not know once (a link, a search result), and says when it cannot', async () => {
    api.answer({
      'conversations:list': [],
      'conversations:get': ({ id }: { id: string }) => {
        if (id === 'missing') throw new ApiRequestError({ code: 'not_found', message: 'This conversation does not exist' })
        return conversation(id)
      },
    })
    const store = useConversationsStore()
    await store.load()
    expect((await store.ensure('linked'))?.id).toBe('linked')
    await store.ensure('linked')
    expect(api.call.mock.calls.filter(([channel]) => channel === 'conversations:get')).toHaveLength(1)
    expect(store.visible.map((c) => c.id)).toEqual(['linked'])

    expect(await store.ensure('missing')).toBeUndefined()
    expect(store.error).toBe('This conversation does not exist')
  })

  it('starts WhatsApp without the opt-in request, SMS plainly, and finds the open thread with a contact', async () => {
    api.answer({
      'conversations:start': ({ channel }: { channel: 'whatsapp' | 'sms' }) =>
        conversation(`started-${channel}`, { contactId: 'c1', channel, lastActivityAt: channel === 'sms' ? 5 : 6 }),
    })
    const store = useConversationsStore()
    await store.start('c1', 'whatsapp')
    expect(api.call).toHaveBeenLastCalledWith('conversations:start', { contactId: 'c1', channel: 'whatsapp', requestConsent: false })
    await store.start('c1', 'sms', true)
    expect(api.call).toHaveBeenLastCalledWith('conversations:start', { contactId: 'c1', channel: 'sms', newThread: true })
    expect(store.openThreadWith('c1', 'sms')?.id).toBe('started-sms')
    expect(store.openThreadWith('c1', 'whatsapp')?.id).toBe('started-whatsapp')
    expect(store.openThreadWith('c2', 'sms')).toBeUndefined()
  })
})
