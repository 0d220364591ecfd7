import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('accounts, sessions and invitations', ({ store }) => {
  const seed = async () => {
    await store().accounts.upsertAccount({ userId: 'zoe', name: 'Zoë Ulm', role: 'admin', passwordHash: 'hash-z', now: 1 })
    await store().accounts.upsertAccount({ userId: 'ana', name: 'Ana Souza', role: 'member', now: 2 })
    await store().accounts.upsertAccount({ userId: 'ben', name: 'ben lower', role: 'admin', now: 3 })
  }

  it('creates the org user with the account, lists by name in code-point order, and counts active admins', async () => {
    await seed()
    expect(await store().accounts.getAccount('zoe')).toEqual({
      user_id: 'zoe',
      name: 'Zoë Ulm',
      role: 'admin',
      password_hash: 'hash-z',
      active: 1,
    })
    // Code-point order, as SQLite's BINARY collation: capitals before lower case.
    expect((await store().accounts.listAccounts()).map((a) => a.user_id)).toEqual(['ana', 'zoe', 'ben'])
    expect(await store().accounts.countAdmins()).toBe(2)
    expect(await store().accounts.setUserActive('ben', false)).toBe(true)
    expect(await store().accounts.setUserActive('nobody', false)).toBe(false)
    expect(await store().accounts.countAdmins()).toBe(1)
    expect((await store().accounts.getAccount('ben'))?.active).toBe(0)
  })

  it('keeps a password hash when the account is updated without one, and changes role and hash on request', async () => {
    await seed()
    await store().accounts.upsertAccount({ userId: 'zoe', name: 'Zoë U.', role: 'member', now: 5 })
    expect(await store().accounts.getAccount('zoe')).toMatchObject({ name: 'Zoë U.', role: 'member', password_hash: 'hash-z' })
    await store().accounts.setRole('zoe', 'admin', 6)
    await store().accounts.setPasswordHash('zoe', 'hash-2', 6)
    expect(await store().accounts.getAccount('zoe')).toMatchObject({ role: 'admin', password_hash: 'hash-2' })
    expect(await store().accounts.getAccount('nobody')).toBeUndefined()
  })

  it('finds a credential by its secret hash, touches, lists and revokes it', async () => {
    await seed()
    const credential = (id: string, userId: string, kind: 'session' | 'token', now: number) =>
      store().accounts.insertCredential({ id, secretHash: `secret-${id}`, userId, kind, name: kind === 'token' ? `${id} name` : null, now })
    await credential('s1', 'ana', 'session', 10)
    await credential('t1', 'ana', 'token', 11)
    await credential('t2', 'zoe', 'token', 12)
    await credential('s2', 'ana', 'session', 13)
    expect(await store().accounts.credentialBySecret('secret-s1')).toEqual({
      id: 's1',
      user_id: 'ana',
      kind: 'session',
      name: null,
      created_at: 10,
      last_used_at: 10,
      revoked_at: null,
    })
    await store().accounts.touchCredential('s1', 50)
    expect((await store().accounts.getCredential('s1'))?.last_used_at).toBe(50)
    expect((await store().accounts.listCredentials(undefined, 'token')).map((c) => c.id)).toEqual(['t1', 't2'])
    expect((await store().accounts.listCredentials('zoe', 'token')).map((c) => c.id)).toEqual(['t2'])

    expect(await store().accounts.revokeCredential('t2', 60)).toBe(true)
    expect(await store().accounts.revokeCredential('t2', 61)).toBe(false)
    expect((await store().accounts.getCredential('t2'))?.revoked_at).toBe(60)
    expect((await store().accounts.revokeCredentialsOf('ana', 70, 'session')).sort()).toEqual(['s1', 's2'])
    expect(await store().accounts.revokeCredentialsOf('ana', 71, 'session')).toEqual([])
    expect(await store().accounts.revokeCredentialsOf('ana', 72)).toEqual(['t1'])
    expect(await store().accounts.listCredentials(undefined, 'token')).toEqual([])
  })

  it('uses an invitation once, only while it lasts', async () => {
    await seed()
    await store().accounts.insertInvite({ secretHash: 'inv-1', userId: 'ana', createdBy: 'zoe', now: 100, expiresAt: 200 })
    await store().accounts.insertInvite({ secretHash: 'inv-2', userId: 'ben', createdBy: null, now: 100, expiresAt: 150 })
    expect([...(await store().accounts.usersWithLiveInvites(120))].sort()).toEqual(['ana', 'ben'])
    expect(await store().accounts.consumeInvite('inv-2', 150)).toBeUndefined()
    expect(await store().accounts.consumeInvite('inv-1', 120)).toBe('ana')
    expect(await store().accounts.consumeInvite('inv-1', 121)).toBeUndefined()
    expect(await store().accounts.consumeInvite('unknown', 121)).toBeUndefined()
    expect([...(await store().accounts.usersWithLiveInvites(121))]).toEqual(['ben'])
  })

  it('gives an invitation to exactly one of two concurrent uses', async () => {
    await seed()
    await store().accounts.insertInvite({ secretHash: 'inv', userId: 'ana', createdBy: 'zoe', now: 100, expiresAt: 200 })
    const uses = await Promise.all([0, 1, 2, 3].map(() => store().transaction((tx) => tx.accounts.consumeInvite('inv', 120))))
    expect(uses.filter((user) => user === 'ana')).toHaveLength(1)
  })

  it('keeps app state by key, replacing a value', async () => {
    expect(await store().appState.getState('server.policy')).toBeUndefined()
    await store().appState.setState('server.policy', '{"a":1}')
    await store().appState.setState('server.policy', '{"a":2}')
    expect(await store().appState.getState('server.policy')).toBe('{"a":2}')
  })

  it('rolls an account back with the transaction it was written in', async () => {
    await expect(
      store().transaction(async (tx) => {
        await tx.accounts.upsertAccount({ userId: 'eve', name: 'Eve', role: 'member', now: 1 })
        throw new Error('later step failed')
      }),
    ).rejects.toThrow('later step failed')
    expect(await store().accounts.getAccount('eve')).toBeUndefined()
    expect(await store().orgUsers.getOrgUser('eve')).toBeUndefined()
  })
})
