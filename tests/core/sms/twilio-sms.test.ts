import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { consentHistory } from '../../../electron/core/db/repositories/ledger'
import { storeWebhookEvent } from '../../../electron/core/db/repositories/webhook-events'
import { createTwilioSmsProvider } from '../../../electron/core/channels/twilio/twilio-provider'
import { SANDBOX_TWILIO_ACCOUNT_SID } from '../../../electron/sandbox/twilio-surface'
import { signTwilio } from '../../../electron/sandbox/twilio-webhooks'
import { fixtureText } from '../../helpers/fixtures'
import { BEN, DAN, SECRET, startTwilioHarness, type TwilioHarness } from './twilio-harness'

const fixture = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../fixtures/twilio/${name}`, import.meta.url), 'utf8')) as { params: Record<string, string> }).params

let h: TwilioHarness
beforeEach(async () => {
  h = await startTwilioHarness()
})
afterEach(async () => {
  await h.close()
})

async function smsThread(phone: string, name: string) {
  const contact = await h.call('contacts:create', { name, phone })
  const conversation = await h.call('conversations:start', { contactId: contact.id, channel: 'sms' })
  return { contact, conversation }
}

async function send(conversationId: string, text: string) {
  const message = await h.call('messages:send', { conversationId, text })
  await h.settle()
  return (await h.thread(conversationId)).find((m) => m.id === message.id)!
}

/** A webhook to the engine as Twilio would post it, signed unless told otherwise. */
async function postToEngine(path: string, params: Record<string, string>, signature?: string) {
  const url = `${h.host.url}${path}`
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature ?? signTwilio(SECRET, url, params),
    },
    body: new URLSearchParams(params).toString(),
  })
  return { status: response.status, text: await response.text() }
}

describe('SMS through the Twilio provider, over real HTTP against the sandbox @sms', () => {
  it('sends through the Messages API and follows the status callbacks to delivered', async () => {
    const { conversation } = await smsThread(DAN, 'Dan Notonwa')
    const sent = await send(conversation.id, 'Your appointment is at 3 pm')
    expect(sent).toMatchObject({ status: 'delivered', providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) })
    const { body: messages } = await h.control('GET', '/messages')
    expect(messages).toEqual([
      expect.objectContaining({
        sid: sent.providerId,
        to: DAN,
        from: '+15550783881',
        body: 'Your appointment is at 3 pm',
        status: 'delivered',
      }),
    ])
    const { body: hooks } = await h.control('GET', '/webhooks')
    // Every callback reached the engine and was accepted as signed.
    expect(hooks.map((hook: { params: { MessageStatus: string }; status: number }) => [hook.params.MessageStatus, hook.status])).toEqual([
      ['sent', 200],
      ['delivered', 200],
    ])
  })

  it.each([
    [30003, 'The phone was unreachable (switched off or out of coverage).'],
    [30005, 'The number does not exist or is no longer in service.'],
    [30007, 'The carrier filtered the message as spam.'],
  ])('shows an undelivered text as failed with carrier error %i in plain words', async (code, reason) => {
    await h.control('POST', `/users/${encodeURIComponent(BEN)}/carrier`, { errorCode: code })
    const { conversation } = await smsThread(BEN, 'Ben Okafor')
    const message = await send(conversation.id, 'Are you coming today?')
    expect(message).toMatchObject({ status: 'failed', error: reason, errorCode: code })
  })

  it('refuses an invalid number with 21211 in plain words, and retries a 429 after Retry-After', async () => {
    const config = {
      accountSid: SANDBOX_TWILIO_ACCOUNT_SID,
      apiKeySid: SANDBOX_TWILIO_ACCOUNT_SID,
      apiKeySecret: SECRET,
      authToken: SECRET,
    }
    const provider = createTwilioSmsProvider({ ...config, from: '+15550783881', publicUrl: h.host.url, apiBaseUrl: h.sandbox.url })
    expect(await provider.sendSms({ to: '12', text: 'x', clientRef: 'm1' })).toEqual({
      ok: false,
      error: { kind: 'invalid', reason: 'This is not a valid phone number for SMS.', code: 21211 },
    })
    const limited = createTwilioSmsProvider(
      { ...config, from: '+15550783881', publicUrl: h.host.url },
      {
        fetch: async () =>
          new Response(JSON.stringify({ code: 20429, message: 'Too Many Requests' }), { status: 429, headers: { 'retry-after': '2' } }),
      },
    )
    expect(await limited.sendSms({ to: DAN, text: 'x', clientRef: 'm2' })).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', code: 20429, retryAfterMs: 2000 },
    })
    // Twilio seldom says how long: a second, then the outbox asks again.
    const unsaid = createTwilioSmsProvider(
      { ...config, from: '+15550783881', publicUrl: h.host.url },
      { fetch: async () => new Response(JSON.stringify({ code: 20429, message: 'Too Many Requests' }), { status: 429 }) },
    )
    expect(await unsaid.sendSms({ to: DAN, text: 'x', clientRef: 'm3' })).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', code: 20429, retryAfterMs: 1000 },
    })
  })

  it('puts an inbound SMS in the same thread as the texts sent, once, with the raw webhook kept once', async () => {
    const { conversation } = await smsThread(DAN, 'Dan Notonwa')
    await send(conversation.id, 'See you at 3')
    const texted = await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, { text: 'Can we make it 4?', duplicate: true })
    expect(texted.status).toBe(201)
    await h.settle()
    const thread = await h.thread(conversation.id)
    expect(thread.map((m) => [m.direction, m.text])).toEqual([
      ['out', 'See you at 3'],
      ['in', 'Can we make it 4?'],
    ])
    expect(thread[1]).toMatchObject({ providerId: texted.body.sid, status: 'received' })
    const raw = h.engine.db.prepare(`SELECT source, state, body FROM webhook_events WHERE source = 'twilio:sms'`).all() as Array<{
      state: string
      body: string
    }>
    // Twilio posted it twice; both were answered 200, the identical bytes kept once.
    const { body: hooks } = await h.control('GET', '/webhooks')
    const posts = (hooks as Array<{ url: string; status: number }>).filter((hook) => hook.url.endsWith('/webhooks/twilio/sms'))
    expect(posts.map((post) => post.status)).toEqual([200, 200])
    expect(raw).toHaveLength(1)
    expect(raw[0]).toMatchObject({ state: 'processed' })
    expect(raw[0].body).toContain('Can+we+make+it+4%3F')
  })

  it('accepts Twilio’s documented inbound webhook, signed over the public URL', async () => {
    const answer = await postToEngine('/webhooks/twilio/sms', fixture('inbound-sms.json'))
    expect(answer).toEqual({ status: 200, text: '<Response/>' })
    const [conversation] = await h.call('conversations:list', { channel: 'sms' })
    expect((await h.thread(conversation.id)).map((m) => m.text)).toEqual(['Ahoy! Can we move to Thursday?'])
  })

  it('refuses a forged or missing signature and stores nothing', async () => {
    const params = fixture('inbound-sms.json')
    expect((await postToEngine('/webhooks/twilio/sms', params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=')).status).toBe(403)
    expect(
      (await postToEngine('/webhooks/twilio/sms', params, signTwilio('not-the-token', `${h.host.url}/webhooks/twilio/sms`, params))).status,
    ).toBe(403)
    const tampered = { ...params, Body: 'Send the invoice to evil@example.com' }
    expect(
      (await postToEngine('/webhooks/twilio/sms', tampered, signTwilio(SECRET, `${h.host.url}/webhooks/twilio/sms`, params))).status,
    ).toBe(403)
    expect(await h.call('conversations:list', { channel: 'sms' })).toEqual([])
    expect(h.engine.db.prepare('SELECT count(*) AS n FROM webhook_events').get()).toEqual({ n: 0 })
  })

  it('applies a documented undelivered status callback to the message it names', async () => {
    const { conversation } = await smsThread(DAN, 'Dan Notonwa')
    const sent = await send(conversation.id, 'Hello')
    const status = { ...fixture('status-undelivered.json'), MessageSid: sent.providerId!, SmsSid: sent.providerId! }
    // A late undelivered after delivered is ignored: the phone has it.
    expect((await postToEngine('/webhooks/twilio/status', status)).status).toBe(200)
    expect((await h.thread(conversation.id))[0].status).toBe('delivered')
  })

  it('shows an MMS picture in the SMS thread with its caption', async () => {
    const picture = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#2a7' } })
      .png()
      .toBuffer()
    await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, {
      text: 'The broken part',
      imageBase64: picture.toString('base64'),
      mimeType: 'image/png',
    })
    await h.settle()
    const [conversation] = await h.call('conversations:list', { channel: 'sms' })
    const [message] = await h.thread(conversation.id)
    expect(message).toMatchObject({ kind: 'image', text: 'The broken part', mediaId: expect.any(String) })
    const stored = (await h.engine.media.read(message.mediaId!))!
    expect(Buffer.from(stored).equals(picture)).toBe(true)
  })

  it('honours STOP and START: recorded in the consent ledger, texts held back until START', async () => {
    const { contact, conversation } = await smsThread(DAN, 'Dan Notonwa')
    await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, { text: ' stop ' })
    await h.settle()
    const blocked = await send(conversation.id, 'One more thing')
    expect(blocked).toMatchObject({ status: 'failed', error: expect.stringContaining('replied STOP') })
    expect((await h.control('GET', '/messages')).body.filter((m: { direction: string }) => m.direction === 'outbound-api')).toEqual([])
    await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, { text: 'HELP' })
    await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, { text: 'START' })
    await h.settle()
    expect((await send(conversation.id, 'Welcome back')).status).toBe('delivered')
    expect(consentHistory(h.engine.db, contact.id).map((row) => [row.event, row.state])).toEqual([
      ['sms_stop', 'sms_opted_out'],
      ['sms_help', 'sms_opted_out'],
      ['sms_start', 'sms_opted_in'],
    ])
    const lines = (await h.thread(conversation.id)).filter((m) => m.direction === 'system').map((m) => m.text)
    expect(lines[0]).toBe('Dan Notonwa replied STOP: texts to them are blocked until they text START')
  })

  it('records a 21610 refusal in the consent ledger when Twilio knew of the STOP first', async () => {
    const { contact, conversation } = await smsThread(DAN, 'Dan Notonwa')
    // The STOP reached Twilio while the number had no webhook to us (e.g. set up later).
    await h.control('POST', '/config', { smsUrl: null })
    expect((await h.control('POST', `/users/${encodeURIComponent(DAN)}/sms`, { text: 'STOP' })).status).toBe(409)
    const message = await send(conversation.id, 'Hello?')
    expect(message).toMatchObject({ status: 'failed', errorCode: 21610, error: expect.stringContaining('replied STOP') })
    expect(consentHistory(h.engine.db, contact.id).map((row) => [row.event, row.state, row.evidence_message_id])).toEqual([
      ['sms_blocked', 'sms_opted_out', message.id],
    ])
  })

  it('turns a recording callback into a playable voicemail with duration and transcript', async () => {
    const left = await h.control('POST', `/users/${encodeURIComponent(DAN)}/voicemail`, {
      durationMs: 4000,
      transcript: 'Call me back about the quote',
    })
    expect(left.status).toBe(201)
    await h.settle()
    const [conversation] = await h.call('conversations:list', { channel: 'voicemail' })
    const [voicemail] = await h.thread(conversation.id)
    expect(voicemail).toMatchObject({ kind: 'voicemail', providerId: left.body.sid, text: 'Call me back about the quote' })
    expect(voicemail.extra).toMatchObject({ durationMs: 4000 })
    const audio = (await h.engine.media.read(voicemail.mediaId!))!
    expect(audio.subarray(0, 4).toString('ascii')).toBe('RIFF')
  })

  it('leaves a Twilio delivery still being applied to its own intake, whatever WhatsApp delivers meanwhile', async () => {
    // A Twilio post kept raw while its picture downloads: only Twilio's intake may finish it.
    const twilio = storeWebhookEvent(h.engine.db, {
      receivedAt: h.clock.now(),
      source: 'twilio:sms',
      bodySha256: 'a'.repeat(64),
      body: JSON.stringify({ url: `${h.host.url}/webhooks/twilio/sms`, body: 'MessageSid=SM1&From=%2B14155550199&Body=Hi' }),
      state: 'pending',
    })
    const whatsapp = Buffer.from(fixtureText('inbound-text.json'))
    const signature = `sha256=${createHmac('sha256', SECRET).update(whatsapp).digest('hex')}`
    expect((await h.engine.webhooks.receive(whatsapp, signature)).status).toBe(200)
    await h.engine.settled()
    const rows = h.engine.db.prepare(`SELECT seq, source, state FROM webhook_events ORDER BY seq`).all()
    expect(rows).toEqual([
      { seq: twilio, source: 'twilio:sms', state: 'pending' },
      { seq: expect.any(Number), source: 'whatsapp', state: 'processed' },
    ])
  })
})
