import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

/**
 * Where a WhatsApp user's reply lands when they have several open threads with the office: the
 * thread the last outbound message went from, else the most recently active one; every other
 * open thread says so (`repliesGoTo`) rather than staying silently deaf.
 */
describe('inbound routing between open threads with one person', () => {
  let h: EngineHarness
  beforeEach(async () => {
    h = await startEngineHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  async function twoThreads() {
    const { contact, conversation: t1 } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    await h.as('priya')('messages:send', { conversationId: t1.id, text: 'About your invoice' })
    await h.drain()
    const t2 = await h.as('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp', newThread: true })
    await h.as('priya')('conversations:addParticipant', { id: t2.id, userId: 'sam' })
    await h.as('priya')('conversations:leave', { id: t2.id })
    return { t1, t2 }
  }

  const texts = async (id: string, userId: string) =>
    (await h.thread(id, userId)).filter((m) => m.direction === 'in' && m.kind === 'text').map((m) => m.text)

  it('a reply goes to the thread the last message went from, not merely the newest @ux', async () => {
    const { t1, t2 } = await twoThreads()
    h.sandbox.userWrites(ANA, { text: 'Which invoice?' })
    await h.settle()
    expect(await texts(t1.id, 'priya')).toContain('Which invoice?')
    expect(await texts(t2.id, 'sam')).not.toContain('Which invoice?')
    expect((await h.as('priya')('conversations:get', { id: t1.id })).repliesGoTo).toBeUndefined()
    // Sam's thread is the one that will not hear back: it says where replies go.
    const samsView = await h.as('sam')('conversations:get', { id: t2.id })
    expect(samsView.repliesGoTo).toMatchObject({ conversationId: t1.id, participantNames: ['Priya Shah'] })
  })

  it('once a colleague writes from the newer thread, replies follow them and the older thread says so @ux', async () => {
    const { t1, t2 } = await twoThreads()
    await h.as('sam')('messages:send', { conversationId: t2.id, text: 'Sam here, taking over the delivery question' })
    await h.drain()
    h.sandbox.userWrites(ANA, { text: 'Thanks Sam' })
    await h.settle()
    expect(await texts(t2.id, 'sam')).toContain('Thanks Sam')
    expect(await texts(t1.id, 'priya')).not.toContain('Thanks Sam')
    const priyasView = await h.as('priya')('conversations:get', { id: t1.id })
    expect(priyasView.repliesGoTo).toMatchObject({ conversationId: t2.id, participantNames: ['Sam Lee'] })
    const listed = (await h.as('priya')('conversations:list', {})).find((c) => c.id === t1.id)
    expect(listed?.repliesGoTo?.conversationId).toBe(t2.id)

    // Writing again from the older thread brings the replies back to it.
    await h.as('priya')('messages:send', { conversationId: t1.id, text: 'And the invoice?' })
    await h.drain()
    h.sandbox.userWrites(ANA, { text: 'Paid yesterday' })
    await h.settle()
    expect(await texts(t1.id, 'priya')).toContain('Paid yesterday')
    expect((await h.as('priya')('conversations:get', { id: t1.id })).repliesGoTo).toBeUndefined()
  })
})
