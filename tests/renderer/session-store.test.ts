// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { OrgUser, Session } from '../../electron/shared/domain'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useSessionStore } = await import('../../src/stores/session')

const users: OrgUser[] = [
  { id: 'priya', name: 'Priya Shah' },
  { id: 'sam', name: 'Sam Lee' },
]
const sessionOf = (userId: string): Session => ({
  user: users.find((u) => u.id === userId)!,
  org: { name: 'Acme Dental', whatsappEnabled: true, sandbox: true },
})

describe('useSessionStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
    localStorage.clear()
    // The single-user host: it has no /auth/config (see team-sign-in.test.ts for the team server).
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 404 })),
    )
  })

  it('in the browser host shows the org users to pick from, and signs nobody in unasked', async () => {
    api.answer({ 'org:users': users })
    const store = useSessionStore()
    await store.restore()
    expect(store.users.map((u) => u.name)).toEqual(['Priya Shah', 'Sam Lee'])
    expect(store.session).toBeUndefined()
    expect(api.call).not.toHaveBeenCalledWith('session:signIn', expect.anything())
  })

  it('remembers who signed in on this browser and signs them in again on the next start', async () => {
    api.answer({ 'org:users': users, 'session:signIn': ({ userId }: { userId: string }) => sessionOf(userId) })
    await useSessionStore().signIn('sam')
    expect(useSessionStore().session?.user.name).toBe('Sam Lee')

    testingPinia({ stubActions: false })
    const next = useSessionStore()
    expect(next.session).toBeUndefined()
    api.call.mockClear()
    await next.restore()
    expect(next.session?.user.name).toBe('Sam Lee')
    // The newest conversations are asked for right behind the sign-in, not after it answers.
    expect(api.call.mock.calls.map(([channel]) => channel)).toEqual(['session:signIn', 'conversations:list'])
  })

  it('signs a remembered user in, with the first page behind, before the host has said what it is', async () => {
    localStorage.setItem('greenline.user', 'sam')
    api.answer({ 'session:signIn': ({ userId }: { userId: string }) => sessionOf(userId), 'conversations:list': [] })
    let answerConfig: (response: Response) => void = () => undefined
    vi.stubGlobal(
      'fetch',
      vi.fn(() => new Promise<Response>((resolve) => (answerConfig = resolve))),
    )
    const store = useSessionStore()
    const restoring = store.restore()
    await Promise.resolve()
    // `/auth/config` has not answered: the sign-in and the newest conversations are on their way.
    expect(api.call.mock.calls.map(([channel]) => channel)).toEqual(['session:signIn', 'conversations:list'])
    expect(store.screen).toBe('loading')
    answerConfig(new Response(null, { status: 404 }))
    await restoring
    expect(store.session?.user.name).toBe('Sam Lee')
    expect(store.mode).toBe('local')
    // Sent once: the early sign-in is the one used.
    expect(api.call.mock.calls.filter(([channel]) => channel === 'session:signIn')).toHaveLength(1)
  })

  it('on a team server does not use the early sign-in it refused, and signs in by its cookie', async () => {
    localStorage.setItem('greenline.user', 'sam')
    api.answer({
      'session:signIn': () => {
        throw new ApiRequestError({ code: 'forbidden', message: 'Sign in through the sign-in page' })
      },
      'conversations:list': [],
      'session:get': sessionOf('priya'),
    })
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
    vi.stubGlobal(
      'fetch',
      vi.fn(async (path: string) =>
        path === '/auth/config'
          ? json({ mode: 'team', password: true, sso: null })
          : json({ user: { id: 'priya', name: 'Priya Shah' }, role: 'member' }),
      ),
    )
    const store = useSessionStore()
    await store.restore()
    expect(store.mode).toBe('team')
    expect(store.error).toBeUndefined()
    expect(store.session?.user.name).toBe('Priya Shah')
  })

  it('ignores a remembered user the organization no longer has', async () => {
    localStorage.setItem('greenline.user', 'gone')
    api.answer({
      'org:users': users,
      'session:signIn': () => {
        throw new ApiRequestError({ code: 'not_found', message: 'There is no such user in this organization' })
      },
    })
    const store = useSessionStore()
    await store.restore()
    expect(store.session).toBeUndefined()
    expect(store.error).toBeUndefined()
    expect(store.users).toHaveLength(2)
  })

  it('in the desktop app takes the signed-in user from the engine', async () => {
    api.desktop = true
    api.answer({ 'session:get': sessionOf('priya') })
    const store = useSessionStore()
    await store.restore()
    expect(store.session?.user.name).toBe('Priya Shah')
    expect(api.call).not.toHaveBeenCalledWith('org:users', expect.anything())
  })

  it('in the desktop app shows the picker until someone has signed in on this computer', async () => {
    api.desktop = true
    api.answer({
      'session:get': () => {
        throw new ApiRequestError({ code: 'forbidden', message: 'Sign in first' })
      },
      'org:users': users,
    })
    const store = useSessionStore()
    await store.restore()
    expect(store.session).toBeUndefined()
    expect(store.users).toHaveLength(2)
    expect(store.error).toBeUndefined()
  })

  it('says why when the engine cannot be reached', async () => {
    api.answer({
      'org:users': () => {
        throw new ApiRequestError({ code: 'unavailable', message: 'Cannot reach Greenline' })
      },
    })
    const store = useSessionStore()
    await store.restore()
    expect(store.error).toBe('Cannot reach Greenline')
    expect(store.session).toBeUndefined()
  })
})
