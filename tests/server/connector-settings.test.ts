// The connector's credentials, set by an admin on the server: validated, encrypted at rest, never
// sent back to a client, applied to the running server at once, and used from the next start.
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { SecretKeyError } from '../../electron/server/secrets/secret-key'
import { startServer, type TeamServer } from '../../electron/server/server'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { WsClient } from '../helpers/ws-client'

const dataDir = mkdtempSync(join(tmpdir(), 'greenline-connector-'))
const ADMIN = { GREENLINE_ADMIN_USER: 'priya', GREENLINE_ADMIN_PASSWORD: 'connector admin password' }
const ACCESS_TOKEN = 'EAAGtest-access-token-0123456789'
const APP_SECRET = 'app-secret-abcdef0123456789'
let server: TeamServer | undefined

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const start = (env: NodeJS.ProcessEnv = {}) =>
  startServer(resolveServerConfig(['--port', '0', '--data-dir', dataDir], ADMIN), { rendererDir: join(dataDir, 'none'), env })

async function signedIn(s: TeamServer, userId: string, password: string): Promise<WsClient> {
  return WsClient.connect(s.url, { headers: { Cookie: await passwordSessionCookie(s.url, userId, password) } })
}

describe('connector settings on the server', () => {
  it('refuses settings that would not start, saves good ones encrypted, and shows secrets only as "set"', async () => {
    server = await start()
    const admin = await signedIn(server, 'priya', ADMIN.GREENLINE_ADMIN_PASSWORD)
    expect(await admin.request('admin:connector', {})).toEqual({
      mode: 'sandbox',
      saved: null,
      environmentOverrides: [],
      restartRequired: false,
    })

    expect(await admin.raw('admin:setConnector', { accessToken: ACCESS_TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('phone number id is missing') },
    })
    const reply = await admin.raw('admin:setConnector', {
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      accessToken: ACCESS_TOKEN,
      appSecret: APP_SECRET,
      verifyToken: 'paste-me-into-meta',
    })
    expect(reply).toMatchObject({
      ok: true,
      value: {
        mode: 'cloud',
        saved: { phoneNumberId: '106540352242922', accessTokenSet: true, appSecretSet: true, verifyTokenSet: true },
        restartRequired: false,
      },
    })
    // Hot-applied: the running server now verifies Meta's webhook with the new token and secret.
    expect(await admin.request('admin:webhook', {})).toMatchObject({ mode: 'cloud', verifyToken: 'paste-me-into-meta' })
    const verify = (token: string) =>
      fetch(`${server!.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`)
    expect(await (await verify('paste-me-into-meta')).text()).toBe('1158201444')
    expect((await verify(server.sandbox!.verifyToken)).status).toBe(403)
    const body = readFileSync(join(__dirname, '../../../shared/fixtures/whatsapp/inbound-text.json'))
    const post = (secret: string) =>
      fetch(`${server!.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      })
    expect((await post(server.sandbox!.appSecret)).status).toBe(401)
    expect((await post(APP_SECRET)).status).toBe(200)
    expect(JSON.stringify(reply)).not.toContain(ACCESS_TOKEN)
    expect(JSON.stringify(reply)).not.toContain(APP_SECRET)

    // A secret left out keeps the saved one.
    expect(await admin.request('admin:setConnector', { wabaId: '102290129340399' })).toMatchObject({ saved: { accessTokenSet: true } })

    const password = 'a member password!'
    const invite = await admin.request('users:invite', { userId: 'sam', name: 'Sam Lee' })
    await fetch(`${server.url}/auth/invite/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: new URL(invite.inviteUrl).searchParams.get('token'), password }),
    })
    const member = await signedIn(server, 'sam', password)
    expect(await member.raw('admin:connector', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    admin.close()
    member.close()
    await server.close()
    server = undefined

    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('greenline.db'))) {
      const bytes = readFileSync(join(dataDir, file)).toString('latin1')
      expect(bytes).not.toContain(ACCESS_TOKEN)
      expect(bytes).not.toContain(APP_SECRET)
    }
  }, 30_000)

  it('uses the saved connector from the next start, and refuses to start with another key', async () => {
    server = await start()
    const admin = await signedIn(server, 'priya', ADMIN.GREENLINE_ADMIN_PASSWORD)
    expect(await admin.request('admin:webhook', {})).toMatchObject({ mode: 'cloud', verifyToken: 'paste-me-into-meta' })
    expect(await admin.request('admin:connector', {})).toMatchObject({ mode: 'cloud', restartRequired: false })
    admin.close()
    await server.close()
    server = undefined

    const wrongKey = { GREENLINE_SECRET_KEY: 'a-different-key-of-at-least-32-characters' }
    await expect(start(wrongKey)).rejects.toThrow(SecretKeyError)
    await expect(start(wrongKey)).rejects.toThrow(/cannot be decrypted/)
  }, 30_000)
})
