import { afterEach, describe, expect, it } from 'vitest'
import {
  ANA,
  BEN,
  DAN,
  inboundTextWebhook,
  RequestFailed,
  startEngineHarness,
  statusWebhook,
  type EngineHarness,
  type HarnessOptions,
} from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

const HOUR = 60 * 60 * 1000

function texts(phone: string): string[] {
  return h.sandbox
    .deliveries(phone)
    .filter((d) => d.type === 'text')
    .map((d) => d.text!)
}

/** Ana has a conversation with priya and tapped Yes on the opt-in request (her window is open). */
async function consentedChat(phone = ANA, name = 'Ana Souza', options: HarnessOptions = {}) {
  h ??= await startEngineHarness(options)
  const chat = await h.openChat(phone, name, { requestConsent: true })
  await h.settle()
  h.sandbox.userWrites(phone, { buttonPayload: 'CONSENT_YES' })
  await h.settle()
  return chat
}

async function send(conversationId: string, text: string, userId = 'priya') {
  return h.as(userId)('messages:send', { conversationId, text })
}

async function statusOf(conversationId: string, text: string) {
  const message = (await h.thread(conversationId)).find((m) => m.text === text)
  return { status: message?.status, holdReason: message?.holdReason, error: message?.error, errorCode: message?.errorCode }
}

describe('consent and the 24-hour window, end to end against the sandbox', () => {
  it('queues messages typed before consent and delivers them in order within a second of Yes', async () => {
    h = await startEngineHarness()
    const priya = h.as('priya')
    const { conversation } = await h.openChat(ANA, 'Ana Souza')
    expect(h.sandbox.deliveries(ANA)).toEqual([])
    for (const text of ['first', 'second', 'third']) await send(conversation.id, text)
    await h.settle()

    // The first message triggered the opt-in request; nothing free-form went out.
    const received = h.sandbox.deliveries(ANA)
    expect(received.map((d) => d.type)).toEqual(['template'])
    expect(received[0].buttons?.map((b) => b.payload)).toEqual(['CONSENT_YES', 'CONSENT_NO'])
    const held = (await h.thread(conversation.id)).filter((m) => m.kind === 'text')
    expect(held.map((m) => [m.text, m.status, m.holdReason])).toEqual([
      ['first', 'held', 'awaiting_consent'],
      ['second', 'held', 'awaiting_consent'],
      ['third', 'held', 'awaiting_consent'],
    ])
    expect((await priya('conversations:get', { id: conversation.id })).state).toBe('awaiting_consent')

    const tap = h.clock.now()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    const delivered = h.sandbox.deliveries(ANA).filter((d) => d.type === 'text')
    expect(delivered.map((d) => d.text)).toEqual(['first', 'second', 'third'])
    for (const d of delivered) expect(d.at - tap).toBeLessThan(1000)
    const after = await priya('conversations:get', { id: conversation.id })
    expect([after.consent, after.state]).toEqual(['granted', 'active'])
    expect((await h.thread(conversation.id)).filter((m) => m.kind === 'text').map((m) => m.status)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ])
  })

  it('holds new messages once the window closed (+25 h) and sends them in order when the user writes again', async () => {
    const { conversation } = await consentedChat()
    await send(conversation.id, 'inside the window')
    await h.settle()
    expect(texts(ANA)).toEqual(['inside the window'])

    h.clock.advance(25 * HOUR)
    await send(conversation.id, 'late one')
    await send(conversation.id, 'late two')
    await h.settle()
    expect(texts(ANA)).toEqual(['inside the window'])
    expect(await statusOf(conversation.id, 'late one')).toMatchObject({ status: 'held', holdReason: 'awaiting_reply' })
    expect(await statusOf(conversation.id, 'late two')).toMatchObject({ status: 'held', holdReason: 'awaiting_reply' })
    expect((await h.as('priya')('conversations:get', { id: conversation.id })).state).toBe('inactive')

    h.sandbox.userWrites(ANA, { text: 'Hi again' })
    await h.settle()
    expect(texts(ANA)).toEqual(['inside the window', 'late one', 'late two'])
    expect((await h.as('priya')('conversations:get', { id: conversation.id })).state).toBe('active')
  })

  it('STOP holds everything with the reason shown, and YES resumes in order', async () => {
    const { conversation } = await consentedChat()
    h.sandbox.userWrites(ANA, { text: 'STOP' })
    await h.settle()
    const priya = h.as('priya')
    expect(await priya('conversations:get', { id: conversation.id })).toMatchObject({ consent: 'revoked', state: 'opted_out' })
    await send(conversation.id, 'are you there?')
    await send(conversation.id, 'second try')
    await h.settle()
    expect(texts(ANA)).toEqual([])
    expect(await statusOf(conversation.id, 'are you there?')).toMatchObject({ status: 'held', holdReason: 'opted_out' })
    expect(await statusOf(conversation.id, 'second try')).toMatchObject({ status: 'held', holdReason: 'opted_out' })
    // A plain reply does not undo an opt-out.
    h.sandbox.userWrites(ANA, { text: 'what is this about' })
    await h.settle()
    expect(texts(ANA)).toEqual([])

    h.sandbox.userWrites(ANA, { text: 'yes' })
    await h.settle()
    expect(texts(ANA)).toEqual(['are you there?', 'second try'])
    expect(await priya('conversations:get', { id: conversation.id })).toMatchObject({ consent: 'granted', state: 'active' })
  })

  for (const windowErrorMode of ['sync', 'webhook'] as const) {
    it(`re-holds instead of failing when WhatsApp answers 131047 inside an apparent window (${windowErrorMode})`, async () => {
      h = await startEngineHarness({ sandbox: { windowErrorMode } })
      const { conversation } = await consentedChat()
      h.clock.advance(25 * HOUR)
      // The engine hears of a message the platform does not count (e.g. delivered late): its window looks open.
      const ana = h.sandbox.users().find((u) => u.phone === ANA)!
      const posted = await h.postWebhook(
        inboundTextWebhook({ waId: ana.waId, id: 'wamid.apparent-window', text: 'hello?', at: h.clock.now() }),
      )
      expect(posted.status).toBe(200)
      await h.settle()
      expect((await h.as('priya')('conversations:get', { id: conversation.id })).state).toBe('active')

      await send(conversation.id, 'refused by the window')
      await send(conversation.id, 'behind it')
      await h.settle()
      expect(texts(ANA)).toEqual([])
      expect(await statusOf(conversation.id, 'refused by the window')).toMatchObject({
        status: 'held',
        holdReason: 'awaiting_reply',
        error: undefined,
      })
      expect(await statusOf(conversation.id, 'behind it')).toMatchObject({ status: 'held', holdReason: 'awaiting_reply' })

      h.sandbox.userWrites(ANA, { text: 'I am back' })
      await h.settle()
      expect(texts(ANA)).toEqual(['refused by the window', 'behind it'])
    })
  }

  it('a 131047 failure delivered twice keeps the message held for the next reply, not failed', async () => {
    const chat = await consentedChat()
    const sent = await send(chat.conversation.id, 'Are you free at 3?')
    await h.settle()
    const providerId = (await h.thread(chat.conversation.id)).find((m) => m.id === sent.id)!.providerId!
    const failure = statusWebhook({
      id: providerId,
      status: 'failed',
      recipient: ANA.slice(1),
      at: h.clock.now(),
      bizOpaque: sent.id,
      errorCode: 131047,
    })
    expect((await h.postWebhook(failure)).status).toBe(200)
    expect((await h.postWebhook(failure)).status).toBe(200)
    await h.settle()
    expect((await h.thread(chat.conversation.id)).find((m) => m.id === sent.id)).toMatchObject({
      status: 'held',
      holdReason: 'awaiting_reply',
    })

    h.sandbox.userWrites(ANA, { text: 'Yes, 3 works' })
    await h.settle()
    expect(h.sandbox.deliveries(ANA).filter((d) => d.text === 'Are you free at 3?')).toHaveLength(2)
  })

  it('marks Dan as not on WhatsApp when the opt-in request is undeliverable, and holds what is typed', async () => {
    h = await startEngineHarness()
    const priya = h.as('priya')
    const { conversation, contact } = await h.openChat(DAN, 'Dan Notonwa', { requestConsent: true })
    await h.settle()
    const after = await priya('conversations:get', { id: conversation.id })
    expect([after.consent, after.state]).toEqual(['not_on_whatsapp', 'not_on_whatsapp'])
    expect((await priya('contacts:get', { id: contact.id })).notOnWhatsApp).toBe(true)
    const template = (await h.thread(conversation.id)).find((m) => m.kind === 'template')!
    expect(template).toMatchObject({ status: 'failed', errorCode: 131026 })
    expect(template.error).toMatch(/can't receive WhatsApp/)

    await send(conversation.id, 'anyone?')
    await h.settle()
    expect(await statusOf(conversation.id, 'anyone?')).toMatchObject({ status: 'held', holdReason: 'not_on_whatsapp' })
    expect(h.sandbox.deliveries(DAN)).toEqual([])
  })

  it('lets the office user retry a failed message, which then goes out once', async () => {
    const { conversation } = await consentedChat()
    h.sandbox.setChaos({ fail5xx: 1 })
    await send(conversation.id, 'unlucky')
    await h.drain()
    const failed = await statusOf(conversation.id, 'unlucky')
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/try again/)
    expect(texts(ANA)).toEqual([])

    h.sandbox.setChaos({ fail5xx: 0 })
    const message = (await h.thread(conversation.id)).find((m) => m.text === 'unlucky')!
    const retried = await h.as('priya')('messages:retry', { id: message.id })
    expect(retried).toMatchObject({ status: 'queued' })
    expect(retried.error).toBeUndefined()
    await h.settle()
    expect(texts(ANA)).toEqual(['unlucky'])
    expect(await statusOf(conversation.id, 'unlucky')).toMatchObject({ status: 'delivered' })
    await expect(h.as('priya')('messages:retry', { id: message.id })).rejects.toMatchObject({ error: { code: 'conflict' } })
  })

  it('cancels a held message so it never goes out, while the others still do', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza')
    await send(conversation.id, 'keep me')
    const doomed = await send(conversation.id, 'cancel me')
    await send(conversation.id, 'keep me too')
    await h.settle()
    const cancelled = await h.as('priya')('messages:cancel', { id: doomed.id })
    expect(cancelled.status).toBe('cancelled')

    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    expect(texts(ANA)).toEqual(['keep me', 'keep me too'])
    expect(await statusOf(conversation.id, 'cancel me')).toMatchObject({ status: 'cancelled' })
    // A sent message can no longer be cancelled.
    const sent = (await h.thread(conversation.id)).find((m) => m.text === 'keep me')!
    const refused = await h
      .as('priya')('messages:cancel', { id: sent.id })
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RequestFailed)
    expect((refused as RequestFailed).error.code).toBe('conflict')
  })

  it('attributes messages by name once two office users share the conversation', async () => {
    const { conversation } = await consentedChat()
    await send(conversation.id, 'just me')
    await h.as('priya')('conversations:addParticipant', { id: conversation.id, userId: 'sam' })
    await send(conversation.id, 'we are two now')
    await send(conversation.id, 'hello from Sam', 'sam')
    await h.settle()
    expect(texts(ANA)).toEqual(['just me', '*Priya Shah*: we are two now', '*Sam Lee*: hello from Sam'])
    // The thread shows what was written, without the prefix.
    expect((await h.thread(conversation.id)).filter((m) => m.direction === 'out' && m.kind === 'text').map((m) => m.text)).toEqual([
      'just me',
      'we are two now',
      'hello from Sam',
    ])
  })

  it('keeps each WhatsApp user in their own lane: one opted out does not hold another', async () => {
    const ana = await consentedChat()
    const ben = await consentedChat(BEN, 'Ben Okafor')
    h.sandbox.userWrites(ANA, { text: 'stop' })
    await h.settle()
    await send(ana.conversation.id, 'to Ana')
    await send(ben.conversation.id, 'to Ben')
    await h.settle()
    expect(texts(ANA)).toEqual([])
    expect(texts(BEN)).toEqual(['to Ben'])
  })
})
