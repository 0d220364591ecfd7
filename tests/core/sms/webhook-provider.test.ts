import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http, { type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { consentHistory } from '../../../electron/core/db/repositories/ledger'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { freePort } from '../../../electron/core/http/http-util'
import { parseOrgPolicy } from '../../../electron/core/org/org-policy'
import { startHost, type Host } from '../../../electron/host/server'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { wireSms } from '../../../electron/launcher/sms-wiring'
import { createWebhookSmsProvider } from '../../../electron/core/channels/webhook-provider'
import { sineWav } from '../../../electron/sandbox/wav'

const SECRET = 'a-shared-secret-for-the-pbx'
const DAN = '+14155550199'
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`

/** A PBX vendor's endpoint, written from the README alone: checks the signature, answers JSON. */
interface Pbx {
  url: string
  received: Array<{ body: any; signatureValid: boolean }>
  answer: { status: number; body: unknown; headers?: Record<string, string> }
  server: Server
}

async function startPbx(): Promise<Pbx> {
  const pbx = { received: [], answer: { status: 200, body: { id: 'pbx-1' } } } as unknown as Pbx
  pbx.server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      if (req.method === 'GET' && req.url === '/vm/1.wav') {
        const ok = req.headers.authorization === `Bearer ${SECRET}`
        res.writeHead(ok ? 200 : 401, { 'content-type': 'audio/wav' }).end(ok ? sineWav(2000) : undefined)
        return
      }
      pbx.received.push({ body: JSON.parse(raw), signatureValid: req.headers['x-greenline-signature'] === sign(raw) })
      res.writeHead(pbx.answer.status, { 'content-type': 'application/json', ...pbx.answer.headers }).end(JSON.stringify(pbx.answer.body))
    })
  })
  await new Promise<void>((resolve) => pbx.server.listen(0, '127.0.0.1', resolve))
  pbx.url = `http://127.0.0.1:${(pbx.server.address() as AddressInfo).port}`
  return pbx
}

let pbx: Pbx
let engine: SqliteEngine
let host: Host
let dataDir: string
beforeEach(async () => {
  pbx = await startPbx()
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-webhook-sms-'))
  const policy = parseOrgPolicy({ ...demoOrgPolicy(), sms: { provider: 'webhook', webhook: { url: `${pbx.url}/sms` } } })
  const port = await freePort()
  const sms = await wireSms({ policy, secrets: { webhookSecret: SECRET }, listenerUrl: `http://127.0.0.1:${port}` })
  engine = createEngine({ dataDir, org: { ...policy, whatsapp: { ...policy.whatsapp, enabled: false } }, ...sms.engine })
  host = await startHost({ engine, token: 't', port, rendererDir: join(dataDir, 'none'), extraRoutes: sms.routes(engine) })
  await engine.start()
})
afterEach(async () => {
  await host.close()
  await engine.close()
  await new Promise((resolve) => pbx.server.close(resolve))
  rmSync(dataDir, { recursive: true, force: true })
})

const call = async (channel: string, payload: unknown): Promise<any> => {
  const result = await engine.dispatch({ userId: 'priya' }, channel, payload)
  if (!result.ok) throw new Error(result.error.message)
  return result.value
}

async function deliver(body: object, signature = sign(JSON.stringify(body))) {
  const text = JSON.stringify(body)
  const response = await fetch(`${host.url}/webhooks/channels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-greenline-signature': signature },
    body: text,
  })
  await engine.settled()
  return response.status
}

describe('the generic signed-webhook SMS provider @sms', () => {
  it('posts a signed JSON SMS and keeps the vendor’s id; a refusal shows the vendor’s words', async () => {
    const contact = await call('contacts:create', { name: 'Dan Notonwa', phone: DAN })
    const conversation = await call('conversations:start', { contactId: contact.id, channel: 'sms' })
    const sent = await call('messages:send', { conversationId: conversation.id, text: 'Your parts arrived' })
    await engine.settled()
    expect(pbx.received).toEqual([{ body: { type: 'sms', id: sent.id, to: DAN, text: 'Your parts arrived' }, signatureValid: true }])
    pbx.answer = { status: 422, body: { error: { message: 'This line cannot text abroad' } } }
    const refused = await call('messages:send', { conversationId: conversation.id, text: 'Second' })
    await engine.settled()
    const thread = await call('messages:list', { conversationId: conversation.id })
    expect(thread.find((m: { id: string }) => m.id === sent.id)).toMatchObject({ status: 'sent', providerId: 'pbx-1' })
    expect(thread.find((m: { id: string }) => m.id === refused.id)).toMatchObject({
      status: 'failed',
      error: 'This line cannot text abroad',
    })
  })

  it('reads a vendor’s 429 as its rate limit, waiting its Retry-After', async () => {
    const provider = createWebhookSmsProvider({ url: `${pbx.url}/sms`, secret: SECRET })
    pbx.answer = { status: 429, body: { error: { message: 'Slow down' } } }
    const limited = await provider.sendSms({ to: DAN, text: 'x', clientRef: 'm1' })
    expect(limited).toEqual({ ok: false, error: { kind: 'rate_limited', reason: 'Slow down', code: 429, retryAfterMs: 1000 } })
    pbx.answer = { status: 429, body: {}, headers: { 'retry-after': '7' } }
    expect(await provider.sendSms({ to: DAN, text: 'x', clientRef: 'm2' })).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 7000 },
    })
  })

  it('takes signed inbound SMS and voicemail (audio fetched with the secret), once; refuses a bad signature', async () => {
    const sms = { type: 'sms', id: 'pbx-in-1', from: DAN, text: 'Calling you back', timestamp: 1 }
    expect(await deliver(sms, 'sha256=00')).toBe(401)
    expect(await deliver(sms)).toBe(200)
    expect(await deliver(sms)).toBe(200)
    const voicemail = { type: 'voicemail', id: 'pbx-vm-1', from: DAN, timestamp: 2, durationMs: 2000, audioUrl: `${pbx.url}/vm/1.wav` }
    expect(await deliver(voicemail)).toBe(200)
    const [smsThread] = await call('conversations:list', { channel: 'sms' })
    expect((await call('messages:list', { conversationId: smsThread.id })).map((m: { text: string }) => m.text)).toEqual([
      'Calling you back',
    ])
    const [vmThread] = await call('conversations:list', { channel: 'voicemail' })
    const [vm] = await call('messages:list', { conversationId: vmThread.id })
    expect(vm).toMatchObject({ kind: 'voicemail', extra: { durationMs: 2000 } })
    expect((await engine.media.read(vm.mediaId))!.subarray(0, 4).toString('ascii')).toBe('RIFF')
    // Each signed delivery kept raw once (the repeat too is the same bytes); the forged one not at all.
    const raw = engine.db.prepare(`SELECT state, body FROM webhook_events WHERE source = 'channels' ORDER BY seq`).all()
    expect(raw).toEqual([
      { state: 'processed', body: JSON.stringify(sms) },
      { state: 'processed', body: JSON.stringify(voicemail) },
    ])
  })

  it('follows the vendor’s signed statuses: delivered, or failed in the vendor’s words; a lost answer reconciled by our id', async () => {
    const contact = await call('contacts:create', { name: 'Dan Notonwa', phone: DAN })
    const conversation = await call('conversations:start', { contactId: contact.id, channel: 'sms' })
    const message = async (id: string) =>
      (await call('messages:list', { conversationId: conversation.id })).find((m: { id: string }) => m.id === id)
    const first = await call('messages:send', { conversationId: conversation.id, text: 'Your parts arrived' })
    await engine.settled()
    const status = { type: 'status', id: 'pbx-1', status: 'delivered', timestamp: 3 }
    expect(await deliver(status, 'sha256=00')).toBe(401)
    expect(await message(first.id)).toMatchObject({ status: 'sent' })
    expect(await deliver(status)).toBe(200)
    // A late "sent" does not move it back.
    expect(await deliver({ ...status, status: 'sent' })).toBe(200)
    expect(await message(first.id)).toMatchObject({ status: 'delivered' })

    pbx.answer = { status: 200, body: { id: 'pbx-2' } }
    const second = await call('messages:send', { conversationId: conversation.id, text: 'Are you coming?' })
    await engine.settled()
    expect(await deliver({ type: 'status', id: 'pbx-2', status: 'undelivered', reason: 'The handset is switched off', code: 30003 })).toBe(
      200,
    )
    expect(await message(second.id)).toMatchObject({ status: 'failed', error: 'The handset is switched off', errorCode: 30003 })
    expect(await deliver({ type: 'status', id: 'pbx-2', status: 'bounced' })).toBe(400)

    // The vendor took the text but its answer never came (503 here): its status names our id.
    pbx.answer = { status: 503, body: {} }
    const third = await call('messages:send', { conversationId: conversation.id, text: 'Third' })
    await engine.settled()
    expect(await message(third.id)).toMatchObject({ status: 'queued' })
    expect(await deliver({ type: 'status', id: 'pbx-3', ref: third.id, status: 'delivered' })).toBe(200)
    expect(await message(third.id)).toMatchObject({ status: 'delivered', providerId: 'pbx-3' })
    expect(engine.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 })
  })

  it('honours STOP by SMS and the vendor’s opt-out refusal, in the consent ledger', async () => {
    const contact = await call('contacts:create', { name: 'Dan Notonwa', phone: DAN })
    const conversation = await call('conversations:start', { contactId: contact.id, channel: 'sms' })
    const sent = await call('messages:send', { conversationId: conversation.id, text: 'Reminder' })
    await engine.settled()
    // The vendor knew of an opt-out first and says so in the status.
    expect(await deliver({ type: 'status', id: 'pbx-1', status: 'failed', reason: 'Opted out', optedOut: true })).toBe(200)
    expect(await deliver({ type: 'sms', id: 'pbx-in-2', from: DAN, text: 'START', timestamp: 4 })).toBe(200)
    expect(await deliver({ type: 'sms', id: 'pbx-in-3', from: DAN, text: ' Stop ', timestamp: 5 })).toBe(200)
    const held = await call('messages:send', { conversationId: conversation.id, text: 'One more thing' })
    await engine.settled()
    const thread = await call('messages:list', { conversationId: conversation.id })
    expect(thread.find((m: { id: string }) => m.id === sent.id)).toMatchObject({ status: 'failed', error: 'Opted out' })
    expect(thread.find((m: { id: string }) => m.id === held.id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('replied STOP'),
    })
    expect(pbx.received.map((r) => r.body.text)).toEqual(['Reminder'])
    expect(consentHistory(engine.db, contact.id).map((row) => [row.event, row.state])).toEqual([
      ['sms_blocked', 'sms_opted_out'],
      ['sms_start', 'sms_opted_in'],
      ['sms_stop', 'sms_opted_out'],
    ])
  })
})
