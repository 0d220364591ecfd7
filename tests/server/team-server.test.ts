import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { DataDirLocked } from '../../electron/server/data-dir-lock'
import { startServer, type TeamServer } from '../../electron/server/server'
import { OffsetClock } from '../../electron/shared/clock'
import type { MediaUploadValue } from '../../electron/shared/api/contract'
import { WsClient } from '../helpers/ws-client'

const ADMIN_PASSWORD = 'correct horse battery staple'
const clock = new OffsetClock()
let dataDir: string
let server: TeamServer

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-server-'))
  const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {
    GREENLINE_ADMIN_USER: 'priya',
    GREENLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  })
  server = await startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {}, engine: { clock } })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const url = (path: string) => `${server.url}${path}`

async function signIn(userId: string, password: string, headers: Record<string, string> = {}) {
  return fetch(url('/auth/password'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ userId, password }),
  })
}

/** Signs in and returns the Cookie header a browser would send back. */
async function sessionCookie(userId: string, password: string): Promise<string> {
  const response = await signIn(userId, password)
  expect(response.status).toBe(204)
  return response.headers.get('set-cookie')!.split(';')[0]
}

async function inviteAndAccept(admin: WsClient, userId: string, name: string): Promise<string> {
  const invite = (await admin.raw('users:invite', { userId, name })) as any
  expect(invite.ok).toBe(true)
  const token = new URL(invite.value.inviteUrl).searchParams.get('token')!
  const password = `${userId}-password-long`
  const accepted = await fetch(url('/auth/invite/accept'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token, password }),
  })
  expect(accepted.status).toBe(204)
  return password
}

describe('the team server', () => {
  it('answers health without a session and nothing else', async () => {
    expect((await fetch(url('/healthz'))).status).toBe(200)
    expect(await (await fetch(url('/readyz'))).json()).toEqual({ ready: true, database: true, connector: true })
    expect((await fetch(url('/auth/me'))).status).toBe(401)
    expect((await fetch(url(`/media/${'a'.repeat(64)}`))).status).toBe(401)
    await expect(WsClient.connect(server.url)).rejects.toThrow('401')
    expect(await (await fetch(url('/auth/config'))).json()).toEqual({ mode: 'team', password: true, sso: null })
  })

  it('signs in with a password into an HttpOnly, SameSite=Lax cookie; a wrong one gets the same answer as an unknown user', async () => {
    const wrong = await signIn('priya', 'not the password')
    const unknown = await signIn('nobody', 'not the password')
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(await wrong.json()).toEqual(await unknown.json())

    const response = await signIn('priya', ADMIN_PASSWORD)
    expect(response.status).toBe(204)
    const cookie = response.headers.get('set-cookie')!
    expect(cookie).toMatch(/^greenline_session=gls_/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).toContain('Path=/')
    expect(cookie).not.toContain('Secure')
    const me = await fetch(url('/auth/me'), { headers: { Cookie: cookie.split(';')[0] } })
    expect(await me.json()).toEqual({ user: { id: 'priya', name: 'Priya Shah' }, role: 'admin' })
  })

  it('answers 429 with Retry-After after five wrong passwords for one account, until the window passes', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('sam', `guess ${i}`)).status).toBe(401)
    const limited = await signIn('sam', 'guess 6')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await limited.json()).message).toMatch(/Too many sign-in attempts/)
    clock.advance(16 * 60_000)
    expect((await signIn('sam', 'guess 7')).status).toBe(401)
  })

  it('takes identity only from the session: signIn as someone else is refused, session:get is the signed-in user', async () => {
    const client = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    expect((await client.request('session:get', {})).user.id).toBe('priya')
    expect(await client.raw('session:signIn', { userId: 'sam' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await client.request('session:get', {})).user.id).toBe('priya')
    client.close()
  })

  it('refuses a foreign Origin on the socket and on sign-in', async () => {
    const cookie = await sessionCookie('priya', ADMIN_PASSWORD)
    await expect(WsClient.connect(server.url, { origin: 'https://evil.example', headers: { Cookie: cookie } })).rejects.toThrow('403')
    expect((await signIn('priya', ADMIN_PASSWORD, { Origin: 'https://evil.example' })).status).toBe(403)
  })

  it('invites a member who sets a password once; the invitation cannot be used again; members cannot manage users', async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    const invite = (await admin.raw('users:invite', { userId: 'alex', name: 'Alex Morgan' })) as any
    const token = new URL(invite.value.inviteUrl).searchParams.get('token')!
    const accept = (password: string) =>
      fetch(url('/auth/invite/accept'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token, password }),
      })
    const short = await accept('short')
    expect(short.status).toBe(400)
    // The English for API clients and older windows, the code and values for a window to translate.
    expect(await short.json()).toEqual({
      message: 'A password needs at least 12 characters',
      text: { code: 'auth.passwordTooShort', params: { count: 12 } },
    })
    expect((await accept('alex has a long password')).status).toBe(204)
    const used = await accept('alex has a long password')
    expect(used.status).toBe(410)
    expect((await used.json()).text).toEqual({ code: 'auth.inviteExpired' })

    const member = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('alex', 'alex has a long password') } })
    expect(await member.raw('users:list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const users = (await admin.raw('users:list', {})) as any
    expect(users.value).toEqual(
      expect.arrayContaining([
        { id: 'priya', name: 'Priya Shah', role: 'admin', active: true, hasPassword: true, invitePending: false },
        { id: 'alex', name: 'Alex Morgan', role: 'member', active: true, hasPassword: true, invitePending: false },
      ]),
    )
    admin.close()
    member.close()
  })

  it('shows admins, and only admins, the webhook URL and verify token to paste into Meta', async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    expect(await admin.request('admin:webhook', {})).toEqual({
      callbackUrl: `${server.config.publicUrl.origin}/webhooks/whatsapp`,
      verifyToken: server.sandbox!.verifyToken,
      mode: 'sandbox',
    })
    const member = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('alex', 'alex has a long password') } })
    expect(await member.raw('admin:webhook', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    admin.close()
    member.close()
  })

  it('signs a session out after 12 idle hours (the clock moves, nobody waits)', async () => {
    const cookie = await sessionCookie('priya', ADMIN_PASSWORD)
    expect((await fetch(url('/auth/me'), { headers: { Cookie: cookie } })).status).toBe(200)
    clock.advance(13 * 3600_000)
    expect((await fetch(url('/auth/me'), { headers: { Cookie: cookie } })).status).toBe(401)
  })

  it('signs out one session, or every session of the user, and closes their open sockets', async () => {
    const first = await sessionCookie('priya', ADMIN_PASSWORD)
    const second = await sessionCookie('priya', ADMIN_PASSWORD)
    const socket = await WsClient.connect(server.url, { headers: { Cookie: second } })
    expect((await fetch(url('/auth/logout'), { method: 'POST', headers: { Cookie: first } })).status).toBe(204)
    expect((await fetch(url('/auth/me'), { headers: { Cookie: first } })).status).toBe(401)
    expect((await fetch(url('/auth/me'), { headers: { Cookie: second } })).status).toBe(200)
    const third = await sessionCookie('priya', ADMIN_PASSWORD)
    expect((await fetch(url('/auth/logout?everywhere=1'), { method: 'POST', headers: { Cookie: third } })).status).toBe(204)
    expect(await socket.closed).toBe(4001)
    expect((await fetch(url('/auth/me'), { headers: { Cookie: second } })).status).toBe(401)
  })

  it('issues personal access tokens for scripts; revoking one refuses it at once and closes its sockets', async () => {
    const cookie = await sessionCookie('priya', ADMIN_PASSWORD)
    const created = await fetch(url('/auth/tokens'), {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'nightly export' }),
    })
    expect(created.status).toBe(201)
    const { id, token } = (await created.json()) as { id: string; token: string }
    const bearer = { Authorization: `Bearer ${token}` }
    expect((await fetch(url('/auth/me'), { headers: bearer })).status).toBe(200)
    const socket = await WsClient.connect(server.url, { headers: bearer })
    const listed = (await socket.raw('tokens:list', {})) as any
    expect(listed.value).toEqual([expect.objectContaining({ id, name: 'nightly export', userId: 'priya' })])

    expect((await fetch(url(`/auth/tokens/${id}`), { method: 'DELETE', headers: { Cookie: cookie } })).status).toBe(204)
    expect(await socket.closed).toBe(4001)
    expect((await fetch(url('/auth/me'), { headers: bearer })).status).toBe(401)
    await expect(WsClient.connect(server.url, { headers: bearer })).rejects.toThrow('401')
    expect((await fetch(url(`/auth/tokens/${id}`), { method: 'DELETE', headers: { Cookie: cookie } })).status).toBe(404)
  })

  it('deactivating a user signs them out everywhere and refuses their password', async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    const password = await inviteAndAccept(admin, 'dana', 'Dana Ruiz')
    const dana = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('dana', password) } })
    expect(await admin.raw('users:deactivate', { userId: 'dana' })).toMatchObject({ ok: true })
    expect(await dana.closed).toBe(4001)
    expect((await signIn('dana', password)).status).toBe(401)
    expect(await admin.raw('users:deactivate', { userId: 'priya' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('cannot deactivate yourself') },
    })
    const audit = await admin.request('admin:audit', {})
    expect(audit.find((e) => e.action === 'user.deactivated')).toMatchObject({ actorId: 'priya', detail: { userId: 'dana' } })
    expect(audit.find((e) => e.action === 'user.invited' && e.detail.userId === 'dana')).toMatchObject({ actorId: 'priya' })
    expect(await server.engine.store.ledger.verifyLedger('audit_log')).toMatchObject({ ok: true })
    const member = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('alex', 'alex has a long password') } })
    expect(await member.raw('admin:audit', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    member.close()
    expect(await admin.raw('users:setRole', { userId: 'priya', role: 'member' })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('last administrator') },
    })
    admin.close()
  })

  it('promotes a member to administrator, and shows a pending invitation until it is accepted', async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    await admin.request('users:invite', { userId: 'gil', name: 'Gil Ross' })
    const listed = await admin.request('users:list', {})
    expect(listed.find((u) => u.id === 'gil')).toMatchObject({ hasPassword: false, invitePending: true })
    expect(await admin.request('users:setRole', { userId: 'gil', role: 'admin' })).toMatchObject({ id: 'gil', role: 'admin' })
    clock.advance(73 * 3600_000)
    expect((await admin.request('users:list', {})).find((u) => u.id === 'gil')).toMatchObject({ invitePending: false })
    expect(await admin.raw('users:invite', { userId: 'bad id!', name: 'X' })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: 'A user ID uses letters, digits and . _ @ + - only' },
    })
    admin.close()
  })

  it("lets an admin hand a deactivated colleague's conversations to someone else", async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    const halPassword = await inviteAndAccept(admin, 'hal', 'Hal Ito')
    const hal = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('hal', halPassword) } })
    const contact = await hal.request('contacts:create', { name: 'Walk-in', phone: '+14155550142' })
    const conversation = await hal.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    await admin.request('users:deactivate', { userId: 'hal' })

    const left = await admin.request('admin:conversationsOf', { userId: 'hal' })
    expect(left.map((c) => c.id)).toEqual([conversation.id])
    await admin.request('admin:handOver', { id: conversation.id, fromUserId: 'hal', toUserId: 'alex', note: 'Hal has left' })
    expect(await admin.request('admin:conversationsOf', { userId: 'hal' })).toEqual([])

    const alex = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('alex', 'alex has a long password') } })
    expect((await alex.request('conversations:list', {})).map((c) => c.id)).toContain(conversation.id)
    const lines = (await alex.request('messages:list', { conversationId: conversation.id })).map((m) => m.text)
    expect(lines).toContain("Priya Shah handed Hal Ito's place in the conversation to Alex Morgan: Hal has left")
    expect((await admin.request('admin:audit', {})).find((e) => e.action === 'conversation.handed_over')).toMatchObject({
      actorId: 'priya',
      conversationId: conversation.id,
      detail: { fromUserId: 'hal', toUserId: 'alex' },
    })
    expect(await alex.raw('admin:handOver', { id: conversation.id, fromUserId: 'alex', toUserId: 'priya' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    })
    admin.close()
    alex.close()
  })

  it('serves a picture only to people who may read a conversation holding it', async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    const memberPassword = await inviteAndAccept(admin, 'erin', 'Erin Park')
    const erin = { Cookie: await sessionCookie('erin', memberPassword) }
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2266aa' } })
      .png()
      .toBuffer()
    const picture: MediaUploadValue = await admin.request('media:upload', { dataBase64: png.toString('base64') })
    const contact = await admin.request('contacts:create', { name: 'Guest', phone: '+14155550199' })
    const conversation = await admin.request('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    await admin.request('messages:send', { conversationId: conversation.id, mediaId: picture.mediaId })

    const adminCookie = await sessionCookie('priya', ADMIN_PASSWORD)
    const asAdmin = await fetch(url(`/media/${picture.mediaId}`), { headers: { Cookie: adminCookie } })
    expect(asAdmin.status).toBe(200)
    expect(asAdmin.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await asAdmin.arrayBuffer()).equals((await server.engine.media.read(picture.mediaId))!)).toBe(true)
    const bytes = (await server.engine.media.read(picture.mediaId))!
    const ranged = await fetch(url(`/media/${picture.mediaId}`), { headers: { Cookie: adminCookie, Range: 'bytes=0-9' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`)
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true)
    const asOutsider = await fetch(url(`/media/${picture.mediaId}`), { headers: erin })
    expect(asOutsider.status).toBe(404)
    expect((await fetch(url(`/media/${'b'.repeat(64)}`), { headers: erin })).status).toBe(404)

    await admin.request('conversations:addParticipant', { id: conversation.id, userId: 'erin' })
    expect((await fetch(url(`/media/${picture.mediaId}`), { headers: erin })).status).toBe(200)
    await admin.request('conversations:removeParticipant', { id: conversation.id, userId: 'erin' })
    expect((await fetch(url(`/media/${picture.mediaId}`), { headers: erin })).status).toBe(404)
    admin.close()
  })

  it("refuses a member another's conversation, messages and export; admins export the whole organization", async () => {
    const admin = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('priya', ADMIN_PASSWORD) } })
    const password = await inviteAndAccept(admin, 'mona', 'Mona Diaz')
    const mona = await WsClient.connect(server.url, { headers: { Cookie: await sessionCookie('mona', password) } })
    const contact = await admin.request('contacts:create', { name: 'Private Guest', phone: '+14155550177' })
    const conversation = await admin.request('conversations:start', { contactId: contact.id, channel: 'sms' })
    await admin.request('messages:send', { conversationId: conversation.id, text: 'Only for Priya' })

    expect(await mona.raw('conversations:get', { id: conversation.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await mona.raw('messages:list', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await mona.raw('export:run', { conversationId: conversation.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect((await mona.request('conversations:list', {})).map((c) => c.id)).not.toContain(conversation.id)
    // Org-wide is for administrators only; a member's own export leaves the conversation out.
    expect(await mona.raw('export:run', { organization: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    const own = await mona.request('export:run', {})
    expect(readFileSync(join(own.outDir, 'messages.jsonl'), 'utf8')).not.toContain('Only for Priya')

    const everything = await admin.request('export:run', { organization: true })
    expect(readFileSync(join(everything.outDir, 'messages.jsonl'), 'utf8')).toContain('Only for Priya')
    const [audited] = await admin.request('admin:audit', {})
    expect(audited).toMatchObject({ action: 'export.run', actorId: 'priya' })
    admin.close()
    mona.close()
  })

  it('takes pictures as bytes on POST /media from a signed-in session only', async () => {
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#22aa66' } })
      .png()
      .toBuffer()
    const upload = (headers: Record<string, string>) =>
      fetch(url('/media'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', ...headers },
        body: new Uint8Array(png),
      })
    expect((await upload({})).status).toBe(401)
    const cookie = await sessionCookie('priya', ADMIN_PASSWORD)
    expect((await upload({ Cookie: cookie, Origin: 'https://evil.example' })).status).toBe(403)
    const uploaded = await upload({ Cookie: cookie })
    expect(uploaded.status).toBe(201)
    expect(await uploaded.json()).toMatchObject({ width: 32, height: 24, mediaId: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })

  it('takes signed webhooks on its public route and refuses forged ones', async () => {
    const body = readFileSync(join(__dirname, '../../../shared/fixtures/whatsapp/inbound-text.json'))
    const secret = server.sandbox!.appSecret
    const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
    const post = (sig: string) =>
      fetch(url('/webhooks/whatsapp'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': sig },
        body,
      })
    expect((await post(`sha256=${'0'.repeat(64)}`)).status).toBe(401)
    expect((await post(signature)).status).toBe(200)
  })

  it('refuses to start a second server on the same data directory', async () => {
    const config = resolveServerConfig(['--port', '0', '--data-dir', dataDir], {})
    await expect(startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {} })).rejects.toThrow(DataDirLocked)
    await expect(startServer(config, { rendererDir: join(dataDir, 'no-renderer'), env: {} })).rejects.toThrow(/already running/)
  })
})
