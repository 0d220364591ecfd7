// @team-client: the renderer's requests as the team client forwards them (plain Node, fake socket).
import { describe, expect, it, vi } from 'vitest'
import type { ConnectionState } from '../../electron/team-client/connection'
import { forwardRendererRequest, SIGNED_IN_TO_TEAM } from '../../electron/team-client/renderer-requests'
import type { TeamClientEvent } from '../../electron/team-client/team-client'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'

/** A team client whose connection state the test moves, recording what it was asked. */
function fakeClient(status: ConnectionState['status']) {
  const listeners = new Set<(event: TeamClientEvent) => void>()
  const client = {
    state: { status } as ConnectionState,
    request: vi.fn(async (channel: string, payload: unknown) =>
      client.state.status === 'online'
        ? { ok: true as const, value: { channel, payload } }
        : { ok: false as const, error: { code: 'unavailable' as const, message: 'Not connected to the Greenline server' } },
    ),
    uploadPicture: vi.fn(async (bytes: Uint8Array) => ({
      ok: true as const,
      value: { mediaId: `media-${bytes.length}`, mimeType: 'image/png', size: bytes.length, width: 1, height: 1, converted: false },
    })),
    on: (listener: (event: TeamClientEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    move(state: ConnectionState) {
      client.state = state
      for (const listener of listeners) listener({ type: 'state', state })
    },
    listeners,
    saved: undefined as unknown,
    held: { conversations: [] as Conversation[], messages: [] as Message[], contacts: [] as Contact[] },
    conversations: () => client.held.conversations,
    messages: (conversationId: string) => client.held.messages.filter((m) => m.conversationId === conversationId),
    contacts: () => client.held.contacts,
    lastSession: () => client.saved,
    rememberSession: (session: unknown) => {
      client.saved = session
    },
    userId: 'priya',
    // The offline outbox (tested against the real client in window-offline-sends.test.ts).
    send: vi.fn(),
    retry: vi.fn(),
    cancel: vi.fn(),
    outbox: () => [],
    outboxEntry: () => undefined,
    holdPicture: vi.fn(),
    takeHeldPicture: () => undefined,
  }
  return client
}

const conversation = (id: string, lastActivityAt: number, fields: Partial<Conversation> = {}) =>
  ({ id, contactId: `k-${id}`, contactName: id, channel: 'whatsapp', unread: 0, lastActivityAt, ...fields }) as Conversation
const message = (seq: number) => ({ id: `m${seq}`, seq, conversationId: 'c1', direction: 'in', text: `#${seq}` }) as Message

/** A timer the test fires by hand. */
function manualTimer() {
  const timers: Array<{ run: () => void; ms: number; cancelled: boolean }> = []
  return {
    timers,
    setTimer: (run: () => void, ms: number) => {
      const timer = { run, ms, cancelled: false }
      timers.push(timer)
      return () => {
        timer.cancelled = true
      }
    },
  }
}

describe('renderer requests in team mode @team-client', () => {
  it('refuses the demo sign-in: who this is comes from the device token only', async () => {
    const client = fakeClient('online')
    expect(await forwardRendererRequest(client, 'session:signIn', { userId: 'sam' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: SIGNED_IN_TO_TEAM },
    })
    expect(client.request).not.toHaveBeenCalled()
  })

  it('a request made while the connection opens waits for it instead of failing', async () => {
    const client = fakeClient('connecting')
    const clock = manualTimer()
    const answer = forwardRendererRequest(client, 'session:get', {}, { setTimer: clock.setTimer, connectWaitMs: 5000 })
    await Promise.resolve()
    expect(client.request).not.toHaveBeenCalled()
    client.move({ status: 'online' })
    expect(await answer).toEqual({ ok: true, value: { channel: 'session:get', payload: {} } })
    expect(clock.timers[0]).toMatchObject({ ms: 5000, cancelled: true })
    expect(client.listeners.size).toBe(0)
  })

  it('gives up waiting after connectWaitMs and says it is not connected; offline answers at once', async () => {
    const client = fakeClient('connecting')
    const clock = manualTimer()
    const answer = forwardRendererRequest(client, 'contacts:create', { name: 'Ben' }, { setTimer: clock.setTimer })
    clock.timers[0].run()
    expect(await answer).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(client.listeners.size).toBe(0)
    const offline = fakeClient('offline')
    const before = clock.timers.length
    expect(await forwardRendererRequest(offline, 'contacts:create', { name: 'Ben' }, { setTimer: clock.setTimer })).toMatchObject({
      ok: false,
    })
    expect(clock.timers.length).toBe(before)
  })

  it('uploads a picture’s bytes over HTTP, never in a socket frame; other payloads go as they are', async () => {
    const client = fakeClient('online')
    const bytes = new Uint8Array([1, 2, 3])
    expect(await forwardRendererRequest(client, 'media:upload', { bytes, filename: 'a.png' })).toMatchObject({
      ok: true,
      value: { mediaId: 'media-3' },
    })
    expect(client.uploadPicture).toHaveBeenCalledWith(bytes)
    expect(client.request).not.toHaveBeenCalled()
    await forwardRendererRequest(client, 'contacts:list', { query: 'ben' })
    expect(client.request).toHaveBeenLastCalledWith('contacts:list', { query: 'ben' })
  })

  it('offline, the reads a window opens with come from the device: the last session, lists and recent messages', async () => {
    const client = fakeClient('online')
    client.request.mockResolvedValueOnce({ ok: true, value: { user: { id: 'priya' } } } as never)
    await forwardRendererRequest(client, 'session:get', {})
    client.move({ status: 'offline', problem: 'unreachable', message: 'x', retryInMs: 1000 })
    client.held.conversations = [conversation('a', 3), conversation('b', 5, { unread: 2 }), conversation('c', 1, { channel: 'sms' })]
    client.held.messages = [1, 2, 3, 4, 5].map(message)
    client.held.contacts = [{ id: 'k1', name: 'Ben Okafor', phone: '+14155550102' } as Contact, { id: 'k2', name: 'Chloe' } as Contact]
    const read = (channel: string, payload: unknown) => forwardRendererRequest(client, channel, payload)

    expect(await read('session:get', {})).toEqual({ ok: true, value: { user: { id: 'priya' } } })
    const ids = async (payload: unknown) => ((await read('conversations:list', payload)) as any).value.map((c: Conversation) => c.id)
    expect(await ids({})).toEqual(['b', 'a', 'c'])
    expect(await ids({ limit: 2 })).toEqual(['b', 'a'])
    expect(await ids({ limit: 2, cursor: '3:a' })).toEqual(['c'])
    expect(await ids({ unread: true })).toEqual(['b'])
    expect(await ids({ channel: 'sms' })).toEqual(['c'])
    const seqs = async (payload: unknown) => ((await read('messages:list', payload)) as any).value.map((m: Message) => m.seq)
    expect(await seqs({ conversationId: 'c1', limit: 2 })).toEqual([4, 5])
    expect(await seqs({ conversationId: 'c1', before: 4, limit: 2 })).toEqual([2, 3])
    expect(((await read('contacts:list', { query: '0102' })) as any).value.map((c: Contact) => c.id)).toEqual(['k1'])
    // Not held here, or a write other than a message: "not connected", as it is.
    expect(await read('conversations:get', { id: 'zzz' })).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(await read('contacts:create', { name: 'Dan' })).toMatchObject({ ok: false, error: { code: 'unavailable' } })
  })

  it('an answer the server gave stands, even "unavailable": only a missing connection reads locally', async () => {
    const client = fakeClient('online')
    client.held.contacts = [{ id: 'k1', name: 'Ben' } as Contact]
    client.request.mockResolvedValueOnce({ ok: false, error: { code: 'unavailable', message: 'WhatsApp is down' } } as never)
    expect(await forwardRendererRequest(client, 'contacts:list', {})).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'WhatsApp is down' },
    })
  })
})
