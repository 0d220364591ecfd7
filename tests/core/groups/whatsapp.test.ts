import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

/**
 * Group threads against the in-process sandbox: what the WhatsApp user receives (attributed when
 * several colleagues write), inbound messages reaching everyone, and restart keeping consent.
 */
describe('group threads on WhatsApp', () => {
  let h: EngineHarness
  beforeEach(async () => {
    h = await startEngineHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  async function consentedChat() {
    const { contact, conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    const granted = await h.as('priya')('conversations:get', { id: conversation.id })
    expect(granted.consent).toBe('granted')
    return { contact, conversation: granted }
  }

  const texts = () => h.sandbox.deliveries(ANA).flatMap((d) => (d.type === 'text' && d.text ? [d.text] : []))

  it('attributes outbound text to its writer once there are two participants', async () => {
    const { conversation } = await consentedChat()
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Just me so far' })
    await h.drain()
    await h.as('priya')('conversations:addParticipant', { id: conversation.id, userId: 'sam' })
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Sam joins us' })
    await h.as('sam')('messages:send', { conversationId: conversation.id, text: 'Hello Ana' })
    await h.drain()
    expect(texts()).toEqual(['Just me so far', '*Priya Shah*: Sam joins us', '*Sam Lee*: Hello Ana'])
    // In the thread itself the text is as written; the author is on the message.
    const sams = (await h.thread(conversation.id, 'priya')).find((m) => m.authorId === 'sam')!
    expect(sams).toMatchObject({ text: 'Hello Ana', authorName: 'Sam Lee', status: expect.stringMatching(/sent|delivered|read/) })
  })

  it('delivers inbound messages to every participant, with unread counts and events for each', async () => {
    const { conversation } = await consentedChat()
    await h.as('priya')('conversations:addParticipant', { id: conversation.id, userId: 'sam' })
    await h.as('priya')('conversations:markRead', { id: conversation.id })
    await h.as('sam')('conversations:markRead', { id: conversation.id })
    await h.settle()
    const seen = { priya: h.events('priya', 'conversations:changed').length, sam: h.events('sam', 'conversations:changed').length }

    h.sandbox.userWrites(ANA, { text: 'Can one of you call me?' })
    await h.settle()
    await h.engine.ctx.changes.flushed()
    for (const userId of ['priya', 'sam'] as const) {
      expect((await h.as(userId)('conversations:get', { id: conversation.id })).unread).toBe(1)
      const changed = h
        .events(userId, 'conversations:changed')
        .slice(seen[userId])
        .filter((c) => c.id === conversation.id)
      expect(changed.at(-1)).toMatchObject({ unread: 1, lastMessage: { text: 'Can one of you call me?', direction: 'in' } })
      expect(h.events(userId, 'messages:changed').map((m) => m.text)).toContain('Can one of you call me?')
    }
    expect(h.events('alex', 'messages:changed').map((m) => m.text)).not.toContain('Can one of you call me?')
    // Reading is per person.
    await h.as('sam')('conversations:markRead', { id: conversation.id })
    expect((await h.as('priya')('conversations:get', { id: conversation.id })).unread).toBe(1)
    expect((await h.as('sam')('conversations:get', { id: conversation.id })).unread).toBe(0)
    // Ana writes again: the thread is loaded once for both, each told their own count.
    h.sandbox.userWrites(ANA, { text: 'Anyone there?' })
    await h.settle()
    await h.engine.ctx.changes.flushed()
    const latest = (userId: 'priya' | 'sam') =>
      h
        .events(userId, 'conversations:changed')
        .filter((c) => c.id === conversation.id)
        .at(-1)
    expect(latest('priya')).toMatchObject({ unread: 2, lastMessage: { text: 'Anyone there?' } })
    expect(latest('sam')).toMatchObject({ unread: 1, lastMessage: { text: 'Anyone there?' } })
  })

  it('restarts an ended thread with the same consent; the old one is read-only', async () => {
    const { conversation } = await consentedChat()
    await h.as('priya')('conversations:transfer', { id: conversation.id, toUserId: 'sam', note: 'All yours' })
    await h.as('sam')('conversations:leave', { id: conversation.id })
    const ended = await h.as('priya')('conversations:get', { id: conversation.id })
    expect(ended).toMatchObject({ state: 'ended', consent: 'granted' })

    const restarted = await h.as('priya')('conversations:restart', { id: conversation.id })
    expect(restarted).toMatchObject({ contactId: conversation.contactId, channel: 'whatsapp', consent: 'granted' })
    expect(restarted.state).toBe((await h.as('priya')('conversations:get', { id: restarted.id })).state)
    expect(['active', 'inactive']).toContain(restarted.state)

    for (const userId of ['priya', 'sam']) {
      const refused = await h.raw(userId, 'messages:send', { conversationId: conversation.id, text: 'Old thread' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/ended/) } })
    }
    await h.as('priya')('messages:send', { conversationId: restarted.id, text: 'Back again' })
    await h.drain()
    // One participant again: no attribution.
    expect(texts().at(-1)).toBe('Back again')
  })

  it('a message to an ended thread opens a new one for its people, not for someone removed from it', async () => {
    const { conversation } = await consentedChat()
    await h.as('priya')('conversations:addParticipant', { id: conversation.id, userId: 'sam' })
    await h.as('priya')('conversations:addParticipant', { id: conversation.id, userId: 'alex' })
    await h.as('priya')('conversations:removeParticipant', { id: conversation.id, userId: 'alex' })
    await h.as('sam')('conversations:leave', { id: conversation.id })
    await h.as('priya')('conversations:leave', { id: conversation.id })

    h.sandbox.userWrites(ANA, { text: 'Hello? Anyone?' })
    await h.settle()
    const opened = (await h.as('priya')('conversations:list', {})).find((c) => c.contactId === conversation.contactId)!
    expect(opened.id).not.toBe(conversation.id)
    expect(opened.participants.map((p) => p.userId).sort()).toEqual(['priya', 'sam'])
    expect((await h.as('sam')('conversations:get', { id: opened.id })).unread).toBe(1)
    expect((await h.raw('alex', 'conversations:get', { id: opened.id })).ok).toBe(false)
  })

  it('a message cancelled while its send was being prepared is not sent', async () => {
    const chat = await h.openChat(ANA, 'Ana Souza')
    await h.as('priya')('messages:send', { conversationId: chat.conversation.id, text: 'Waiting for consent' })
    // The opt-in request is on its way to being sent when the thread ends, before it has gone.
    await h.as('priya')('conversations:leave', { id: chat.conversation.id })
    await h.settle()
    expect(h.sandbox.deliveries(ANA)).toEqual([])
    const statuses = (await h.thread(chat.conversation.id, 'priya')).filter((m) => m.direction === 'out').map((m) => m.status)
    expect(statuses.every((status) => status === 'cancelled')).toBe(true)
  })

  it('ending a conversation cancels what it still had waiting', async () => {
    const chat = await h.openChat(ANA, 'Ana Souza')
    const held = await h.as('priya')('messages:send', { conversationId: chat.conversation.id, text: 'Waiting for consent' })
    expect(held.status).toBe('held')
    // The opt-in request reaches the phone first (ending the thread before would cancel it too).
    await h.settle()
    await h.as('priya')('conversations:leave', { id: chat.conversation.id })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    expect(h.sandbox.deliveries(ANA).some((d) => d.text === 'Waiting for consent')).toBe(false)
  })
})
