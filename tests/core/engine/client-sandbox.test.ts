import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWhatsAppClient, type WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../../electron/core/whatsapp/config'
import { mapGraphError } from '../../../electron/core/whatsapp/errors'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox/server'
import { ManualClock } from '../../../electron/shared/clock'
import { startReceiver, type WebhookReceiver } from '../../sandbox/webhook-receiver'
import { ACCESS_TOKEN, ANA, APP_SECRET, BEN, DAN, seededRandom } from '../../helpers/engine-harness'

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64')

let sandbox: Sandbox
let hooks: WebhookReceiver
let clock: ManualClock

async function start(options: Partial<SandboxOptions> = {}): Promise<void> {
  clock = new ManualClock()
  hooks = await startReceiver(APP_SECRET)
  sandbox = await startSandbox({
    clock,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    webhookUrl: hooks.url,
    random: seededRandom(3),
    ...options,
  })
}

function client(token = ACCESS_TOKEN): WhatsAppClient {
  const config = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox.url,
    accessToken: token,
    appSecret: APP_SECRET,
    phoneNumberId: sandbox.phoneNumberId,
    wabaId: sandbox.wabaId,
  })
  return createWhatsAppClient(config, { timeoutMs: 5000, clock })
}

const optIn = { name: 'greenline_opt_in', language: 'en_US', bodyParams: ['Greenline Demo'], buttonPayloads: ['CONSENT_YES', 'CONSENT_NO'] }

beforeEach(async () => {
  await start()
})
afterEach(async () => {
  await sandbox.close()
  await hooks.close()
})

describe('the WhatsApp client against the sandbox over HTTP', () => {
  it('sends text inside the window, carrying our id for reconciliation', async () => {
    sandbox.userWrites(ANA, { text: 'Hi' })
    const result = await client().sendText({ to: ANA, text: 'Hello Ana', bizOpaque: 'm_1' })
    expect(result.ok).toBe(true)
    const [line] = sandbox.deliveries(ANA)
    expect(line).toMatchObject({ type: 'text', text: 'Hello Ana', bizOpaqueCallbackData: 'm_1' })
    expect(result.ok && result.value.providerId).toBe(line.wamid)
  })

  it('sends the opt-in template outside any window, with our button payloads', async () => {
    const result = await client().sendTemplate({ to: BEN, ...optIn, bizOpaque: 'm_2' })
    expect(result.ok).toBe(true)
    const [line] = sandbox.deliveries(BEN)
    expect(line.type).toBe('template')
    expect(line.text).toContain('Greenline Demo')
    expect(line.buttons?.map((b) => b.payload)).toEqual(['CONSENT_YES', 'CONSENT_NO'])
  })

  it('uploads a picture and sends it by media id with a caption', async () => {
    sandbox.userWrites(ANA, { text: 'Send me the photo' })
    const uploaded = await client().uploadMedia({ bytes: PNG, mimeType: 'image/png', filename: 'dot.png' })
    expect(uploaded.ok).toBe(true)
    const mediaId = uploaded.ok ? uploaded.value.mediaId : ''
    const sent = await client().sendImage({ to: ANA, mediaId, caption: 'Here it is', bizOpaque: 'm_3' })
    expect(sent.ok).toBe(true)
    const [line] = sandbox.deliveries(ANA, { withBytes: true })
    expect(line).toMatchObject({ type: 'image', caption: 'Here it is', mimeType: 'image/png', bytesBase64: PNG.toString('base64') })
  })

  it('marks an inbound message read (blue ticks for the person)', async () => {
    const { id } = sandbox.userWrites(ANA, { text: 'Did you see this?' })
    expect(await client().markRead(id)).toEqual({ ok: true, value: undefined })
    expect(sandbox.chat(ANA)).toEqual([expect.objectContaining({ id, readByBusiness: true })])
  })

  it('downloads media with the bearer token and checks its sha256', async () => {
    const uploaded = await client().uploadMedia({ bytes: PNG, mimeType: 'image/png', filename: 'dot.png' })
    const mediaId = uploaded.ok ? uploaded.value.mediaId : ''
    const sha = createHash('sha256').update(PNG).digest()
    const downloaded = await client().downloadMedia({ mediaId, expectedSha256: sha.toString('base64') })
    expect(downloaded.ok).toBe(true)
    if (downloaded.ok) {
      expect(Buffer.from(downloaded.value.bytes)).toEqual(PNG)
      expect(downloaded.value.sha256).toBe(sha.toString('hex'))
    }
    const wrong = await client().downloadMedia({ mediaId, expectedSha256: createHash('sha256').update('other').digest('hex') })
    expect(wrong.ok).toBe(false)
  })
})

describe('each error kind, as the sandbox answers it', () => {
  it('window_closed: free-form text to someone who never wrote (131047)', async () => {
    const result = await client().sendText({ to: BEN, text: 'Hello?', bizOpaque: 'm_w' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'window_closed', code: 131047 } })
    expect(sandbox.deliveries(BEN)).toEqual([])
  })

  it('not_on_whatsapp: accepted, then a failed status webhook with 131026', async () => {
    const result = await client().sendTemplate({ to: DAN, ...optIn, bizOpaque: 'm_dan' })
    expect(result.ok).toBe(true)
    await sandbox.idle()
    const failed = hooks.received.map((r) => r.body.entry[0].changes[0].value.statuses?.[0]).find((s) => s?.status === 'failed')
    expect(failed).toMatchObject({ biz_opaque_callback_data: 'm_dan' })
    expect(mapGraphError(failed.errors[0])).toMatchObject({ kind: 'not_on_whatsapp', code: 131026 })
  })

  it('rate_limited: over the number throughput (130429), with a delay to wait', async () => {
    await sandbox.close()
    await hooks.close()
    await start({ limits: { messagesPerSecond: 1 } })
    expect((await client().sendTemplate({ to: ANA, ...optIn, bizOpaque: 'm_r1' })).ok).toBe(true)
    const second = await client().sendTemplate({ to: ANA, ...optIn, bizOpaque: 'm_r2' })
    expect(second).toMatchObject({ ok: false, error: { kind: 'rate_limited', code: 130429 } })
    expect(second.ok === false && second.error.retryAfterMs).toBeGreaterThan(0)
    clock.advance(1000)
    expect((await client().sendTemplate({ to: ANA, ...optIn, bizOpaque: 'm_r3' })).ok).toBe(true)
  })

  it('auth: a bad access token (190)', async () => {
    const result = await client('not-the-token').sendTemplate({ to: ANA, ...optIn, bizOpaque: 'm_a' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'auth', code: 190 } })
    expect(result.ok === false && result.error.reason).toMatch(/administrator/)
  })

  it('invalid: a picture id WhatsApp does not have (131009)', async () => {
    sandbox.userWrites(ANA, { text: 'hi' })
    const result = await client().sendImage({ to: ANA, mediaId: '999999999', bizOpaque: 'm_i' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid', code: 131009 } })
  })

  it('template: a template that does not exist (132001)', async () => {
    const result = await client().sendTemplate({ to: ANA, ...optIn, name: 'no_such_template', bizOpaque: 'm_t' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'template', code: 132001 } })
  })

  it('transient: a 5xx from WhatsApp (chaos)', async () => {
    sandbox.setChaos({ fail5xx: 1 })
    const result = await client().sendTemplate({ to: ANA, ...optIn, bizOpaque: 'm_5' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', code: 131000, httpStatus: 500 } })
    expect(sandbox.deliveries(ANA)).toEqual([])
  })
})
