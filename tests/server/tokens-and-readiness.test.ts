import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { WsClient } from '../helpers/ws-client'

const ADMIN_PASSWORD = 'correct horse battery staple'
let dataDir: string
let server: TeamServer
const sockets: WsClient[] = []

const url = (path: string) => `${server.url}${path}`

const sessionCookie = (userId: string, password: string) => passwordSessionCookie(server.url, userId, password)

async function socketOf(cookie: string): Promise<WsClient> {
  const socket = await WsClient.connect(server.url, { headers: { Cookie: cookie } })
  sockets.push(socket)
  return socket
}

/** Invites a member, who sets a password; returns their session cookie. */
async function member(admin: WsClient, userId: string, name: string): Promise<string> {
  const invite = await admin.request('users:invite', { userId, name })
  const password = `${userId}-password-long`
  const accepted = await fetch(url('/auth/invite/accept'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: new URL(invite.inviteUrl).searchParams.get('token'), password }),
  })
  expect(accepted.status).toBe(204)
  return sessionCookie(userId, password)
}

async function createToken(cookie: string, name: string): Promise<{ id: string; token: string }> {
  const created = await fetch(url('/auth/tokens'), {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  expect(created.status).toBe(201)
  return (await created.json()) as { id: string; token: string }
}

const revoke = (id: string, cookie: string) => fetch(url(`/auth/tokens/${id}`), { method: 'DELETE', headers: { Cookie: cookie } })
const me = (token: string) => fetch(url('/auth/me'), { headers: { Authorization: `Bearer ${token}` } })

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-tokens-'))
  const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
    GREENLINE_ADMIN_USER: 'priya',
    GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  server = await startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {} })
})

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('personal access tokens across people @team', () => {
  it('are listed to their owner and to admins, revocable by them, and by no other member', async () => {
    const adminCookie = await sessionCookie('priya', ADMIN_PASSWORD)
    const admin = await socketOf(adminCookie)
    const tomCookie = await member(admin, 'tom', 'Tom Ito')
    const unaCookie = await member(admin, 'una', 'Una Berg')
    const tom = await socketOf(tomCookie)
    const una = await socketOf(unaCookie)
    const first = await createToken(tomCookie, 'phone sync')
    const second = await createToken(tomCookie, 'report script')

    // Tom sees his own; Una sees none of his, even asking for everyone's; an admin sees them all.
    expect((await tom.request('tokens:list', {})).map((t) => t.name).sort()).toEqual(['phone sync', 'report script'])
    expect(await una.request('tokens:list', { all: true })).toEqual([])
    expect(await admin.request('tokens:list', {})).toEqual([])
    const everyone = await admin.request('tokens:list', { all: true })
    expect(
      everyone
        .filter((t) => t.userId === 'tom')
        .map((t) => t.id)
        .sort(),
    ).toEqual([first.id, second.id].sort())
    // The secret is shown once, at creation, never in a list.
    expect(JSON.stringify(everyone)).not.toContain(first.token)

    // Another member cannot revoke it (nor learn that it exists); it keeps working.
    expect((await revoke(first.id, unaCookie)).status).toBe(404)
    expect((await me(first.token)).status).toBe(200)

    // The owner revokes one; an admin revokes the other. Both are refused at once.
    expect((await revoke(first.id, tomCookie)).status).toBe(204)
    expect((await me(first.token)).status).toBe(401)
    expect((await revoke(second.id, adminCookie)).status).toBe(204)
    expect((await me(second.token)).status).toBe(401)
    expect(await tom.request('tokens:list', {})).toEqual([])
  })
})

describe('readiness', () => {
  it('answers 503 naming the connector once the WhatsApp sandbox it sends through is gone, while liveness stays up', async () => {
    expect((await fetch(url('/readyz'))).status).toBe(200)
    await server.sandbox!.stop()
    const ready = await fetch(url('/readyz'))
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ ready: false, database: true, connector: false, reason: expect.stringMatching(/^connector: /) })
    expect((await fetch(url('/healthz'))).status).toBe(200)
  })
})
