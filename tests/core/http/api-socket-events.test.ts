import { EventEmitter } from 'node:events'
import type { WebSocket } from 'ws'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EventListener } from '../../../electron/core/events'
import { serveApiSocket, type ApiSocketOptions } from '../../../electron/core/http/api-socket'

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A socket that records what is written to it and how its transport is corked. */
function fakeConnection(log: string[]) {
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    send: (frame: string) => log.push(`send ${(JSON.parse(frame) as { payload: { n: number } }).payload.n}`),
    close: () => undefined,
  })
  const transport = { cork: () => log.push('cork'), uncork: () => log.push('uncork') }
  return { ws: ws as unknown as WebSocket, transport }
}

/** An engine whose subscribers the test publishes to. */
function fakeEngine() {
  const listeners: EventListener[] = []
  const engine: ApiSocketOptions['engine'] = {
    dispatch: () => Promise.resolve({ ok: true, value: undefined }),
    session: () => Promise.resolve(undefined as never),
    subscribe: (_user: string, listener: EventListener) => {
      listeners.push(listener)
      return () => undefined
    },
  }
  const publish = (payload: { n: number }) => {
    for (const listener of listeners) listener('messages:changed', payload as never)
  }
  return { engine, publish }
}

afterEach(() => vi.restoreAllMocks())

describe('events pushed over an API socket (issue 21: webhook bursts)', () => {
  it("sends a turn's events in one corked write, in order, and the next turn's in another", async () => {
    const log: string[] = []
    const { ws, transport } = fakeConnection(log)
    const { engine, publish } = fakeEngine()
    serveApiSocket(ws, { engine, userId: 'priya', allowSignIn: false, transport })
    await nextTurn()
    publish({ n: 1 })
    publish({ n: 2 })
    await Promise.resolve()
    publish({ n: 3 })
    expect(log).toEqual(['cork', 'send 1', 'send 2', 'send 3'])
    await nextTurn()
    expect(log.at(-1)).toBe('uncork')
    publish({ n: 4 })
    await nextTurn()
    expect(log).toEqual(['cork', 'send 1', 'send 2', 'send 3', 'uncork', 'cork', 'send 4', 'uncork'])
  })

  it('serializes an event once for every socket it goes to', async () => {
    const { engine, publish } = fakeEngine()
    const sent: string[][] = [[], [], []]
    for (const frames of sent) {
      const { ws } = fakeConnection([])
      ;(ws as unknown as { send: (frame: string) => void }).send = (frame) => frames.push(frame)
      serveApiSocket(ws, { engine, userId: 'priya', allowSignIn: false })
    }
    await nextTurn()
    const stringify = vi.spyOn(JSON, 'stringify')
    publish({ n: 7 })
    expect(stringify).toHaveBeenCalledTimes(1)
    expect(sent.map((frames) => frames.map((f) => JSON.parse(f) as unknown))).toEqual(
      Array(3).fill([{ event: 'messages:changed', payload: { n: 7 } }]),
    )
  })
})
