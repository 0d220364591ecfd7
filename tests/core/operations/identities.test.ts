import { afterEach, describe, expect, it } from 'vitest'
import { getContact } from '../../../electron/core/db/repositories/contacts'
import { startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

const BRUNA = '+5511987654321'
const KAI = '+14155550150'

describe('@operations WhatsApp identities that are not the number, over real HTTP against the sandbox', () => {
  it('a WhatsApp id that differs from the number (Brazil) is stored, and her replies land in the same thread', async () => {
    h = await startEngineHarness()
    h.sandbox.addUser({ phone: BRUNA, name: 'Bruna Lima', waId: '551187654321' })
    const { contact, conversation } = await h.openChat(BRUNA, 'Bruna Lima', { requestConsent: true })
    await h.drain()
    expect(getContact(h.engine.db, contact.id)).toMatchObject({ phone: BRUNA, waId: '551187654321' })

    h.sandbox.userWrites(BRUNA, { buttonPayload: 'CONSENT_YES' })
    h.sandbox.userWrites(BRUNA, { text: 'Oi, tudo bem?' })
    await h.settle()
    const conversations = await h.as('priya')('conversations:list', { channel: 'whatsapp' })
    expect(conversations.map((c) => [c.id, c.consent])).toEqual([[conversation.id, 'granted']])
    expect((await h.thread(conversation.id)).some((m) => m.text === 'Oi, tudo bem?')).toBe(true)
    expect((await h.as('priya')('contacts:list', {})).map((c) => c.name)).toEqual(['Bruna Lima'])
  })

  it('a contact saved by WhatsApp user id alone goes through the whole consent flow by user id', async () => {
    h = await startEngineHarness()
    const kai = h.sandbox.addUser({ phone: KAI, name: 'Kai', username: 'kai.design' })
    const contact = await h.as('priya')('contacts:create', { name: 'Kai', userId: kai.userId })
    expect([contact.phone, contact.userId]).toEqual([undefined, kai.userId])
    const again = await h.raw('priya', 'contacts:create', { name: 'Kai again', userId: kai.userId })
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } })

    const conversation = await h.as('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Your sketches are ready.' })
    await h.drain()
    expect(h.sandbox.deliveries(KAI).map((d) => d.type)).toEqual(['template'])
    h.sandbox.userWrites(KAI, { buttonPayload: 'CONSENT_YES' })
    await h.drain()
    expect(h.sandbox.deliveries(KAI).map((d) => d.text)).toEqual([expect.any(String), 'Your sketches are ready.'])
    expect((await h.as('priya')('conversations:get', { id: conversation.id })).consent).toBe('granted')
    expect((await h.as('priya')('contacts:list', {})).map((c) => c.name)).toEqual(['Kai'])
  })

  it('a username-only user writes first; the reply reaches them by their user id alone', async () => {
    h = await startEngineHarness()
    const kai = h.sandbox.addUser({ phone: KAI, name: 'Kai', username: 'kai.design' })
    h.sandbox.userWrites(KAI, { text: 'Do you ship to Lisbon?' })
    await h.settle()
    const [conversation] = await h.as('priya')('conversations:list', { channel: 'whatsapp' })
    const contact = await h.as('priya')('contacts:get', { id: conversation.contactId })
    expect(contact.phone).toBeUndefined()
    expect(contact.userId).toBe(kai.userId)

    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'We do, within 3 days.' })
    await h.drain()
    expect(h.sandbox.deliveries(KAI).map((d) => d.text)).toEqual([expect.stringMatching(/We do, within 3 days\.$/)])
    const sent = (await h.thread(conversation.id)).find((m) => m.text === 'We do, within 3 days.')!
    expect(sent.status).toBe('delivered')
  })
})
