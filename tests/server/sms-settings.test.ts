// The SMS provider set by an admin on the server: sms.provider in the policy, its secrets validated,
// encrypted at rest like the WhatsApp credentials, never sent back, and used from the next start.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveServerConfig } from '../../electron/server/config'
import { startServer, type TeamServer } from '../../electron/server/server'
import { passwordSessionCookie } from '../helpers/password-sign-in'
import { WsClient } from '../helpers/ws-client'

const dataDir = mkdtempSync(join(tmpdir(), 'greenline-sms-settings-'))
const ADMIN = { GREENLINE_ADMIN_USER: 'priya', GREENLINE_ADMIN_PASSWORD: 'sms admin password' }
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef'
const KEY_SECRET = 'twilio-key-secret-0123456789abcdef'
const TWILIO = { accountSid: `AC${'1'.repeat(32)}`, apiKeySid: `SK${'2'.repeat(32)}`, from: '+15550783881' }
let server: TeamServer | undefined

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const start = () =>
  startServer(resolveServerConfig(['--port', '0', '--data-dir', dataDir], ADMIN), { rendererDir: join(dataDir, 'none'), env: {} })

async function signedIn(s: TeamServer): Promise<WsClient> {
  const cookie = await passwordSessionCookie(s.url, 'priya', ADMIN.GREENLINE_ADMIN_PASSWORD)
  return WsClient.connect(s.url, { headers: { Cookie: cookie } })
}

describe('SMS provider settings on the server @sms', () => {
  it('refuses a provider missing a secret, saves a complete one encrypted, and uses it from the next start', async () => {
    server = await start()
    const admin = await signedIn(server)
    expect(await admin.request('admin:sms', {})).toMatchObject({
      running: 'sandbox',
      sms: { provider: 'sandbox' },
      secrets: { twilioApiKeySecretSet: false, twilioAuthTokenSet: false, webhookSecretSet: false },
      urls: {
        twilioSms: expect.stringMatching(/\/webhooks\/twilio\/sms$/),
        twilioVoicemail: expect.stringMatching(/\/webhooks\/twilio\/voicemail$/),
      },
    })
    expect(await admin.raw('admin:setSms', { sms: { provider: 'twilio', twilio: TWILIO } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('Twilio auth token is not set') },
    })
    expect(await admin.raw('admin:setSms', { sms: { provider: 'twilio', twilio: { ...TWILIO, accountSid: 'AC12' } } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('sms.twilio.accountSid must be a Twilio account SID') },
    })
    const reply = await admin.raw('admin:setSms', {
      sms: { provider: 'twilio', twilio: TWILIO },
      twilioAuthToken: AUTH_TOKEN,
      twilioApiKeySecret: KEY_SECRET,
    })
    expect(reply).toMatchObject({
      ok: true,
      value: {
        running: 'sandbox',
        sms: { provider: 'twilio' },
        secrets: { twilioApiKeySecretSet: true, twilioAuthTokenSet: true },
        restartRequired: true,
      },
    })
    expect(JSON.stringify(reply)).not.toContain(AUTH_TOKEN)
    // A secret left out keeps the saved one.
    expect(await admin.request('admin:setSms', { sms: { provider: 'twilio', twilio: TWILIO } })).toMatchObject({
      secrets: { twilioAuthTokenSet: true },
    })
    admin.close()
    await server.close()
    server = undefined
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('greenline.db'))) {
      const bytes = readFileSync(join(dataDir, file)).toString('latin1')
      expect(bytes).not.toContain(AUTH_TOKEN)
      expect(bytes).not.toContain(KEY_SECRET)
    }

    // In sandbox mode the sandbox stands in for Twilio: the saved provider runs against its surface.
    server = await start()
    const again = await signedIn(server)
    expect(await again.request('admin:sms', {})).toMatchObject({ running: 'twilio', restartRequired: false })
    again.close()
  }, 60_000)
})
