// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DirectoryUser } from '../../electron/shared/api/contract'
import { testingPinia } from '../helpers/testing-pinia'

vi.mock('../../src/api/client', async () => (await import('../helpers/fake-api-client')).fakeClientModule())
const { fakeApi: api } = await import('../helpers/fake-api-client')
const { ApiRequestError } = await import('../../src/api/client')
const { useDirectoryStore } = await import('../../src/stores/directory')

const user = (id: string, name: string, role: DirectoryUser['role'] = 'member', active = true): DirectoryUser => ({
  id,
  name,
  role,
  active,
  hasPassword: true,
  invitePending: false,
})
const refused = (message: string) => () => {
  throw new ApiRequestError({ code: 'conflict', message })
}
const unreachable = () => {
  throw new Error('socket closed')
}

describe('useDirectoryStore', () => {
  beforeEach(() => {
    testingPinia({ stubActions: false })
    api.reset()
  })

  it('lists the people by name, whatever case they were typed in', async () => {
    api.answer({ 'users:list': [user('sam', 'sam Lee'), user('ana', 'Ana Souza'), user('bo', 'Bo Chen')] })
    const store = useDirectoryStore()
    const loading = store.load()
    expect(store.loading).toBe(true)
    await loading
    expect(store.users.map((u) => u.name)).toEqual(['Ana Souza', 'Bo Chen', 'sam Lee'])
    expect(store.loaded).toBe(true)
    expect(store.loading).toBe(false)
  })

  it("says why the list did not load: the server's sentence with a full stop, or a plain fallback", async () => {
    const store = useDirectoryStore()
    api.answer({ 'users:list': refused('Only administrators may see this') })
    await store.load()
    expect(store.listError).toBe('Only administrators may see this.')
    expect(store.loaded).toBe(false)

    api.answer({ 'users:list': unreachable })
    await store.load()
    expect(store.listError).toBe('Greenline could not load the people of your organization. Try again.')

    api.answer({ 'users:list': [user('ana', 'Ana Souza')] })
    await store.load()
    expect(store.listError).toBeUndefined()
    expect(store.users).toHaveLength(1)
  })

  it('invites with the fields trimmed, hands back the invitation and shows the new person', async () => {
    const invitation = { token: 'inv_1', expiresAt: 2_000_000_000_000 }
    let people = [user('ana', 'Ana Souza', 'admin')]
    api.answer({
      'users:invite': (draft: unknown) => {
        people = [...people, user('sam', 'Sam Lee')]
        return { ...invitation, draft }
      },
      'users:list': () => people,
    })
    const store = useDirectoryStore()
    const value = await store.invite({ userId: '  sam ', name: ' Sam Lee  ', role: 'member' })
    expect(api.call).toHaveBeenCalledWith('users:invite', { userId: 'sam', name: 'Sam Lee', role: 'member' })
    expect(value).toMatchObject(invitation)
    expect(store.users.map((u) => u.id)).toEqual(['ana', 'sam'])
    expect(store.inviting).toBe(false)
    expect(store.inviteError).toBeUndefined()
  })

  it('a refused invitation gives no value and says why, leaving the list alone', async () => {
    api.answer({ 'users:invite': refused('sam is already a user') })
    const store = useDirectoryStore()
    expect(await store.invite({ userId: 'sam', name: 'Sam Lee', role: 'member' })).toBeUndefined()
    expect(store.inviteError).toBe('sam is already a user.')
    expect(api.call).not.toHaveBeenCalledWith('users:list', expect.anything())

    api.answer({ 'users:invite': unreachable })
    await store.invite({ userId: 'sam', name: 'Sam Lee', role: 'member' })
    expect(store.inviteError).toBe('Greenline could not create the invitation. Try again.')
  })

  it('deactivating and reactivating call the right channel, and only that row waits', async () => {
    let sam = user('sam', 'Sam Lee')
    api.answer({
      'users:deactivate': () => void (sam = { ...sam, active: false }),
      'users:reactivate': () => void (sam = { ...sam, active: true }),
      'users:list': () => [sam],
    })
    const store = useDirectoryStore()
    const pending = store.deactivate('sam')
    expect(store.changing).toBe('sam')
    expect(await pending).toBe(true)
    expect(store.changing).toBeUndefined()
    expect(store.users[0]?.active).toBe(false)

    expect(await store.reactivate('sam')).toBe(true)
    expect(store.users[0]?.active).toBe(true)
    expect(api.call.mock.calls.map(([channel]) => channel)).toEqual(['users:deactivate', 'users:list', 'users:reactivate', 'users:list'])
  })

  it('the last administrator cannot be deactivated: the reason shows and nothing changes', async () => {
    api.answer({ 'users:deactivate': refused('This is the last administrator; make someone else an administrator first') })
    const store = useDirectoryStore()
    expect(await store.deactivate('ana')).toBe(false)
    expect(store.actionError).toBe('This is the last administrator; make someone else an administrator first.')
    expect(store.changing).toBeUndefined()

    api.answer({ 'users:reactivate': unreachable })
    expect(await store.reactivate('bo')).toBe(false)
    expect(store.actionError).toBe('Greenline could not reactivate bo. Try again.')
  })

  it('changes a role and reloads; a failure names the person', async () => {
    let sam = user('sam', 'Sam Lee')
    api.answer({ 'users:setRole': ({ role }: { role: DirectoryUser['role'] }) => void (sam = { ...sam, role }), 'users:list': () => [sam] })
    const store = useDirectoryStore()
    expect(await store.setRole('sam', 'admin')).toBe(true)
    expect(api.call).toHaveBeenCalledWith('users:setRole', { userId: 'sam', role: 'admin' })
    expect(store.users[0]?.role).toBe('admin')

    api.answer({ 'users:setRole': unreachable })
    expect(await store.setRole('sam', 'member')).toBe(false)
    expect(store.actionError).toBe('Greenline could not change the role of sam. Try again.')
    expect(store.users[0]?.role).toBe('admin')
  })
})
