import { afterEach, describe, expect, it } from 'vitest'
import { ANA, BEN, startEngineHarness, statusWebhook, type EngineHarness } from '../../helpers/engine-harness'

/** Behaviours a code review found unguarded; each test would fail without its fix. */
let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('engine safeguards', () => {
  it('a changed phone number starts over: no consent or window carried to the new number', async () => {
    h = await startEngineHarness()
    const chat = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    expect((await h.as('priya')('conversations:get', { id: chat.conversation.id })).consent).toBe('granted')

    await h.as('priya')('contacts:update', { id: chat.contact.id, name: 'Ana Souza', phone: BEN })
    const after = await h.as('priya')('conversations:get', { id: chat.conversation.id })
    expect(after.state).toBe('ended')
    const fresh = await h.as('priya')('conversations:start', { contactId: chat.contact.id, channel: 'whatsapp', newThread: true })
    expect(fresh.consent).not.toBe('granted')
    expect(fresh.lastInboundAt).toBeUndefined()
    const message = await h.as('priya')('messages:send', { conversationId: fresh.id, text: 'Hello again' })
    expect(message).toMatchObject({ status: 'held', holdReason: 'awaiting_consent' })
    await h.settle()
    expect(h.sandbox.deliveries(BEN).map((d) => d.type)).toEqual(['template'])
  })

  it('ending a conversation cancels what it still had waiting', async () => {
    h = await startEngineHarness()
    const chat = await h.openChat(ANA, 'Ana Souza')
    const held = await h.as('priya')('messages:send', { conversationId: chat.conversation.id, text: 'Waiting for consent' })
    expect(held.status).toBe('held')
    await h.as('priya')('conversations:leave', { id: chat.conversation.id })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    expect(h.sandbox.deliveries(ANA).some((d) => d.text === 'Waiting for consent')).toBe(false)
  })

  it('a 131047 failure delivered twice keeps the message held for the next reply, not failed', async () => {
    h = await startEngineHarness()
    const chat = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    const sent = await h.as('priya')('messages:send', { conversationId: chat.conversation.id, text: 'Are you free at 3?' })
    await h.settle()
    const providerId = (await h.thread(chat.conversation.id)).find((m) => m.id === sent.id)!.providerId!
    const failure = statusWebhook({ id: providerId, status: 'failed', recipient: ANA.slice(1), at: h.clock.now(), bizOpaque: sent.id, errorCode: 131047 })
    expect((await h.postWebhook(failure)).status).toBe(200)
    expect((await h.postWebhook(failure)).status).toBe(200)
    await h.settle()
    expect((await h.thread(chat.conversation.id)).find((m) => m.id === sent.id)).toMatchObject({ status: 'held', holdReason: 'awaiting_reply' })

    h.sandbox.userWrites(ANA, { text: 'Yes, 3 works' })
    await h.settle()
    expect(h.sandbox.deliveries(ANA).filter((d) => d.text === 'Are you free at 3?')).toHaveLength(2)
  })
})
