// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/**
 * A WebSocket the test drives: each instance is kept so the test can open, refuse or close it
 * as a browser would (a refused upgrade fires error, then close).
 */
class FakeSocket {
  static readonly OPEN = 1
  static sockets: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onerror: (() => void) | null = null
  onclose: (() => void) | null = null
  onmessage: ((message: { data: string }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.sockets.push(this)
  }
  send(data: string) {
    this.sent.push(data)
    const { id } = JSON.parse(data) as { id: number }
    queueMicrotask(() => this.onmessage?.({ data: JSON.stringify({ id, ok: true, value: 'pong' }) }))
  }
  accept() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  refuse({ withError = true } = {}) {
    this.readyState = 3
    if (withError) this.onerror?.()
    this.onclose?.()
  }
}

describe('the browser transport', () => {
  beforeEach(() => {
    FakeSocket.sockets = []
    vi.resetModules()
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.useFakeTimers({ toFake: ['setTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  async function client() {
    return import('../../src/api/client')
  }

  it('opens a fresh socket for a call after the last one was refused (as before sign-in on the team server)', async () => {
    const { call } = await client()
    const first = call('session:get', {})
    FakeSocket.sockets[0].refuse()
    await expect(first).rejects.toThrow('Cannot reach Greenline')

    const second = call('session:get', {})
    expect(FakeSocket.sockets).toHaveLength(2)
    FakeSocket.sockets[1].accept()
    await expect(second).resolves.toBe('pong')
  })

  it('does not wait forever on a socket that closed without an error event', async () => {
    const { call } = await client()
    const first = call('session:get', {})
    FakeSocket.sockets[0].refuse({ withError: false })
    await expect(first).rejects.toThrow('Cannot reach Greenline')
    const second = call('session:get', {})
    FakeSocket.sockets[1].accept()
    await expect(second).resolves.toBe('pong')
  })

  it('keeps one retry pending at a time and backs off while the host refuses', async () => {
    const { call } = await client()
    void call('session:get', {}).catch(() => undefined)
    FakeSocket.sockets[0].refuse()
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.sockets).toHaveLength(2)
    FakeSocket.sockets[1].refuse()
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.sockets).toHaveLength(2)
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.sockets).toHaveLength(3)
  })

  it('on an open socket sends a call at once, and calls made while it opens in the order they were made', async () => {
    const { call, preconnect } = await client()
    preconnect()
    const signIn = call('session:signIn', { userId: 'priya' })
    const page = call('conversations:list', { limit: 100 })
    FakeSocket.sockets[0].accept()
    await Promise.all([signIn, page])
    expect(FakeSocket.sockets).toHaveLength(1)
    expect(FakeSocket.sockets[0].sent.map((frame) => (JSON.parse(frame) as { channel: string }).channel)).toEqual([
      'session:signIn',
      'conversations:list',
    ])
    // Sent before this task ends (a thread asks while its pane renders; the render must not delay it).
    void call('messages:list', { conversationId: 'c1' })
    expect(FakeSocket.sockets[0].sent).toHaveLength(3)
  })
})
