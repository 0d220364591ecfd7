// @team-client: the renderer's requests as the team client forwards them (plain Node, fake socket).
import { describe, expect, it, vi } from 'vitest'
import type { ConnectionState } from '../../electron/team-client/connection'
import { forwardRendererRequest, SIGNED_IN_TO_TEAM } from '../../electron/team-client/renderer-requests'
import type { TeamClientEvent } from '../../electron/team-client/team-client'

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
    on: (listener: (event: TeamClientEvent) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    move(state: ConnectionState) {
      client.state = state
      for (const listener of listeners) listener({ type: 'state', state })
    },
    listeners,
  }
  return client
}

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
    const answer = forwardRendererRequest(client, 'contacts:list', {}, { setTimer: clock.setTimer })
    clock.timers[0].run()
    expect(await answer).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(client.listeners.size).toBe(0)
    const offline = fakeClient('offline')
    const before = clock.timers.length
    expect(await forwardRendererRequest(offline, 'contacts:list', {}, { setTimer: clock.setTimer })).toMatchObject({ ok: false })
    expect(clock.timers.length).toBe(before)
  })

  it('sends a picture’s bytes as base64 on the JSON wire, other payloads as they are', async () => {
    const client = fakeClient('online')
    await forwardRendererRequest(client, 'media:upload', { bytes: new Uint8Array([1, 2, 3]), filename: 'a.png' })
    expect(client.request).toHaveBeenLastCalledWith('media:upload', { dataBase64: 'AQID', filename: 'a.png' })
    await forwardRendererRequest(client, 'contacts:list', { query: 'ben' })
    expect(client.request).toHaveBeenLastCalledWith('contacts:list', { query: 'ben' })
  })
})
