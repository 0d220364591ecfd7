// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AccessToken } from '../../electron/shared/api/contract'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useTokensStore } = await import('../../src/stores/tokens')

const token = (id: string, userId: string, name: string): AccessToken => ({
  id,
  userId,
  name,
  createdAt: 1_700_000_000_000,
  lastUsedAt: 1_700_000_000_000,
})
const UNAVAILABLE = 'Greenline could not reach the server right now. Try again.'

const empty = (status: number) => new Response(null, { status })
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** Plays the team server's /auth/tokens routes over fetch; anything else answers 599. */
function serve(routes: Record<string, () => Response>) {
  const fetch = vi.fn(async (input: string, init?: RequestInit) => routes[`${init?.method ?? 'GET'} ${input}`]?.() ?? empty(599))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

describe('useTokensStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })
  afterEach(() => vi.unstubAllGlobals())

  it("lists one's own tokens, and everyone's only when asked", async () => {
    const mine = token('t1', 'priya', 'Nightly report')
    const sams = token('t2', 'sam', 'Sync')
    api.answer({ 'tokens:list': (payload: { all?: boolean }) => (payload.all ? [mine, sams] : [mine]) })
    const store = useTokensStore()
    await store.load()
    expect(store.tokens.map((t) => t.name)).toEqual(['Nightly report'])

    await store.showEveryone(true)
    expect(store.everyone).toBe(true)
    expect(store.tokens.map((t) => t.name)).toEqual(['Nightly report', 'Sync'])
    expect(api.call.mock.calls).toEqual([
      ['tokens:list', {}],
      ['tokens:list', { all: true }],
    ])
  })

  it("shows the server's reason, or a plain sentence when the server is out of reach", async () => {
    const store = useTokensStore()
    api.answer({
      'tokens:list': () => {
        throw new ApiRequestError({ code: 'forbidden', message: "Only administrators may see everyone's tokens." })
      },
    })
    await store.showEveryone(true)
    expect(store.error).toBe("Only administrators may see everyone's tokens.")
    expect(store.loading).toBe(false)

    api.answer({
      'tokens:list': () => {
        throw new Error('socket closed')
      },
    })
    await store.load()
    expect(store.error).toBe(UNAVAILABLE)
  })

  it('creates a token with the name trimmed and hands its secret back once, keeping none', async () => {
    const fetch = serve({ 'POST /auth/tokens': () => json(201, { id: 't9', token: 'glt_secret' }) })
    api.answer({ 'tokens:list': [token('t9', 'priya', 'Backup')] })
    const store = useTokensStore()
    const creating = store.create('  Backup ')
    expect(store.creating).toBe(true)
    expect(await creating).toBe('glt_secret')
    expect(store.creating).toBe(false)
    expect(JSON.parse(fetch.mock.calls[0]?.[1]?.body as string)).toEqual({ name: 'Backup' })
    expect(store.tokens.map((t) => t.name)).toEqual(['Backup'])
    expect(JSON.stringify(store.$state)).not.toContain('glt_secret')
  })

  it('a refused name asks for a shorter one; a server that is down says so; neither creates', async () => {
    api.answer({})
    const store = useTokensStore()
    serve({ 'POST /auth/tokens': () => empty(400) })
    expect(await store.create('x'.repeat(101))).toBeUndefined()
    expect(store.error).toBe('Give the token a name of up to 100 characters.')

    serve({ 'POST /auth/tokens': () => empty(503) })
    expect(await store.create('Backup')).toBeUndefined()
    expect(store.error).toBe(UNAVAILABLE)
    expect(store.creating).toBe(false)
    expect(api.call).not.toHaveBeenCalled()
  })

  it('revokes and reloads; a token already gone counts as revoked; a server that is down does not', async () => {
    let list = [token('t1', 'priya', 'Nightly report')]
    api.answer({ 'tokens:list': () => list })
    const store = useTokensStore()
    await store.load()

    serve({ 'DELETE /auth/tokens/t1': () => ((list = []), empty(204)) })
    const revoking = store.revoke('t1')
    expect(store.revoking).toBe('t1')
    expect(await revoking).toBe(true)
    expect(store.revoking).toBeUndefined()
    expect(store.tokens).toEqual([])

    serve({ 'DELETE /auth/tokens/t2': () => empty(404) })
    expect(await store.revoke('t2')).toBe(true)
    expect(store.error).toBeUndefined()

    serve({})
    expect(await store.revoke('t3')).toBe(false)
    expect(store.error).toBe(UNAVAILABLE)
  })
})
