// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')

const { ApiRequestError } = await import('../../src/api/client')
const { useMessagesStore, PAGE_SIZE } = await import('../../src/stores/messages')
const { serverNow, resetServerClock } = await import('../../src/composables/useServerClock')
const { readDraft, writeDraft } = await import('../../src/composables/useDraft')

function message(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    seq,
    conversationId: 'v1',
    direction: 'in',
    kind: 'text',
    text: `text ${seq}`,
    status: 'received',
    createdAt: seq,
    updatedAt: seq,
    ...fields,
  }
}

const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => message(from + i))

describe('useMessagesStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.call.mockReset()
    api.listeners.clear()
    resetServerClock()
  })

  it('loads the newest page, then older pages with the seq cursor', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce(page(51, PAGE_SIZE))
    await store.loadLatest('v1')
    expect(api.call).toHaveBeenLastCalledWith('messages:list', { conversationId: 'v1', limit: PAGE_SIZE })
    expect(store.threads.v1.hasOlder).toBe(true)
    api.call.mockResolvedValueOnce(page(31, 20))
    expect(await store.loadOlder('v1')).toBe(20)
    expect(api.call).toHaveBeenLastCalledWith('messages:list', { conversationId: 'v1', before: 51, limit: PAGE_SIZE })
    expect(store.threads.v1.items.map((m) => m.seq)).toEqual([...page(31, 20), ...page(51, PAGE_SIZE)].map((m) => m.seq))
    expect(store.threads.v1.hasOlder).toBe(false)
  })

  it('opens a thread from the page prefetched on hover: once, while fresh, and not after a change', async () => {
    vi.useFakeTimers()
    try {
      const store = useMessagesStore()
      const asked = () => api.call.mock.calls.filter(([channel]) => channel === 'messages:list').length
      api.call.mockResolvedValue(page(51, PAGE_SIZE))
      store.prefetchLatest('v1')
      store.prefetchLatest('v1')
      expect(asked()).toBe(1)
      await store.loadLatest('v1')
      expect(asked()).toBe(1)
      expect(store.threads.v1.items).toHaveLength(PAGE_SIZE)
      // Used once: opening it again asks again (and a loaded thread is not prefetched).
      store.prefetchLatest('v1')
      await store.loadLatest('v1')
      expect(asked()).toBe(2)

      store.prefetchLatest('v2')
      vi.advanceTimersByTime(11_000)
      await store.loadLatest('v2')
      expect(asked()).toBe(4)

      store.prefetchLatest('v3')
      api.emit('messages:changed', message(9, { conversationId: 'v3' }))
      await store.loadLatest('v3')
      expect(asked()).toBe(6)
    } finally {
      vi.useRealTimers()
    }
  })

  it('loads pages until a searched message is there', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce(page(1001, PAGE_SIZE)).mockResolvedValueOnce(page(501, 500)).mockResolvedValueOnce(page(1, 500))
    expect(await store.loadUntil('v1', 'm7')).toBe(true)
    expect(store.threads.v1.items[0].id).toBe('m1')
  })

  it('adds live messages in seq order and counts arrivals', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce([message(1), message(3)])
    await store.loadLatest('v1')
    api.emit('messages:changed', message(2))
    api.emit('messages:changed', message(4, { updatedAt: Date.now() + 3_600_000 }))
    api.emit('messages:changed', { ...message(3), text: 'edited' })
    expect(store.threads.v1.items.map((m) => m.text)).toEqual(['text 1', 'text 2', 'edited', 'text 4'])
    expect(store.arrivals.v1).toBe(2)
    // The engine's clock was learned from the event.
    expect(serverNow() - Date.now()).toBeGreaterThan(3_500_000)
  })

  it('sends optimistically and replaces the bubble with the stored message', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce([])
    await store.loadLatest('v1')
    let resolve!: (m: Message) => void
    api.call.mockReturnValueOnce(new Promise((r) => (resolve = r)))
    const sending = store.send('v1', 'Hello')
    expect(store.threads.v1.items).toHaveLength(1)
    expect(store.threads.v1.items[0]).toMatchObject({ status: 'sending', text: 'Hello' })
    const [, payload] = api.call.mock.lastCall!
    expect(payload).toMatchObject({ conversationId: 'v1', text: 'Hello', clientId: expect.any(String) })
    resolve(message(9, { direction: 'out', status: 'queued', text: 'Hello' }))
    expect(await sending).toMatchObject({ ok: true })
    expect(store.threads.v1.items.map((m) => m.id)).toEqual(['m9'])
  })

  it('rolls back on a lexicon warning and resends with the same clientId when confirmed', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce([])
    await store.loadLatest('v1')
    api.call.mockRejectedValueOnce(
      new ApiRequestError({ code: 'conflict', message: 'Check before sending: card numbers', details: { lexicon: 'warn' } }),
    )
    const outcome = await store.send('v1', '4111 1111')
    expect(outcome).toMatchObject({ ok: false, kind: 'warn', reason: 'Check before sending: card numbers' })
    expect(store.threads.v1.items).toHaveLength(0)
    const clientId = (outcome as { clientId: string }).clientId
    api.call.mockResolvedValueOnce(message(10, { direction: 'out', status: 'queued' }))
    await store.send('v1', '4111 1111', { clientId, confirmWarning: true })
    expect(api.call).toHaveBeenLastCalledWith('messages:send', { conversationId: 'v1', text: '4111 1111', clientId, confirmWarning: true })
  })

  it('team mode offline: the waiting message stays at the end, and the server’s copy takes its place without counting as new', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce([message(1)])
    await store.loadLatest('v1')
    const waiting = message(Number.MAX_SAFE_INTEGER - 1, { id: 'outbox:c1', direction: 'out', status: 'queued', text: 'Hello' })
    api.call.mockResolvedValueOnce(waiting)
    expect(await store.send('v1', 'Hello', { clientId: 'c1' })).toMatchObject({ ok: true })
    api.emit('messages:changed', message(2))
    expect(store.threads.v1.items.map((m) => m.id)).toEqual(['m1', 'm2', 'outbox:c1'])
    const arrivals = store.arrivals.v1
    api.emit('messages:changed', message(3, { direction: 'out', status: 'sent', text: 'Hello', replaces: 'outbox:c1' }))
    expect(store.threads.v1.items.map((m) => m.id)).toEqual(['m1', 'm2', 'm3'])
    expect(store.arrivals.v1).toBe(arrivals)
  })

  it('rolls back a blocked message with its reason', async () => {
    const store = useMessagesStore()
    api.call.mockResolvedValueOnce([])
    await store.loadLatest('v1')
    api.call.mockRejectedValueOnce(new ApiRequestError({ code: 'invalid', message: 'Not sent: passwords', details: { lexicon: 'block' } }))
    expect(await store.send('v1', 'my password')).toMatchObject({ ok: false, kind: 'error', reason: 'Not sent: passwords' })
    expect(store.threads.v1.items).toHaveLength(0)
  })
})

describe('drafts', () => {
  it('are kept per thread in localStorage', () => {
    writeDraft('v1', 'half a thought')
    writeDraft('v2', 'other')
    expect(readDraft('v1')).toBe('half a thought')
    writeDraft('v1', '')
    expect(readDraft('v1')).toBe('')
    expect(readDraft('v2')).toBe('other')
  })
})
