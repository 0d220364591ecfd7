import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RequestChannel } from '../../../electron/shared/api/contract'
import { startGroupEngine, type GroupEngine } from './group-engine'

/** Only current participants read a thread or act on it, whatever the request; the engine enforces it. */
describe('forbidden for users outside a conversation', () => {
  let g: GroupEngine
  beforeEach(async () => {
    g = await startGroupEngine()
  })
  afterEach(async () => {
    await g.close()
  })

  /** Every conversation and message request about `conversationId` (and a message in it), as `userId`. */
  async function expectLockedOut(userId: string, conversationId: string, messageId: string, reason: RegExp) {
    const requests: Array<[RequestChannel, unknown]> = [
      ['conversations:get', { id: conversationId }],
      ['messages:list', { conversationId }],
      ['messages:send', { conversationId, text: 'Let me in' }],
      ['conversations:markRead', { id: conversationId }],
      ['conversations:requestConsent', { id: conversationId }],
      ['conversations:addParticipant', { id: conversationId, userId: 'alex' }],
      ['conversations:addParticipant', { id: conversationId, userId }],
      ['conversations:removeParticipant', { id: conversationId, userId: 'priya' }],
      ['conversations:leave', { id: conversationId }],
      ['conversations:transfer', { id: conversationId, toUserId: 'alex', note: 'yours' }],
      ['conversations:restart', { id: conversationId }],
      ['messages:retry', { id: messageId }],
      ['messages:react', { id: messageId, emoji: '👍' }],
      ['messages:cancel', { id: messageId }],
      ['audit:list', { conversationId }],
    ]
    for (const [channel, payload] of requests) {
      const error = await g.fails(userId, channel, payload, 'forbidden')
      expect(error.message, channel).toMatch(reason)
    }
    const list = await g.as(userId)('conversations:list', {})
    expect(list.map((c) => c.id)).not.toContain(conversationId)
    const contactId = g.engine.db.prepare('SELECT contact_id FROM conversations WHERE id = ?').pluck().get(conversationId) as string
    const history = await g.as(userId)('conversations:list', { contactId })
    expect(history.map((c) => c.id)).not.toContain(conversationId)
    const hits = await g.as(userId)('search:messages', { query: 'invoice' })
    expect(hits.filter((h) => h.conversationId === conversationId)).toEqual([])
  }

  it('refuses a colleague who was never added, on every conversation and message channel', async () => {
    const thread = await g.thread()
    const message = await g.as('priya')('messages:send', { conversationId: thread.id, text: 'About the invoice' })
    await expectLockedOut('alex', thread.id, message.id, /not a participant/)
    // Nothing changed: the refused requests wrote nothing.
    expect(g.participants(thread.id)).toEqual(['priya'])
    expect(await g.systemLines(thread.id, 'priya')).toEqual([])
  })

  it('refuses a removed participant, who also loses the thread from their list and gets no more events', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    const message = await g.as('sam')('messages:send', { conversationId: thread.id, text: 'About the invoice' })
    expect((await g.as('sam')('conversations:list', {})).map((c) => c.id)).toContain(thread.id)

    g.clock.advance(1000)
    await g.as('priya')('conversations:removeParticipant', { id: thread.id, userId: 'sam' })
    await g.flushed()
    expect(g.events('sam', 'conversations:removed')).toEqual([{ id: thread.id }])
    await expectLockedOut('sam', thread.id, message.id, /removed from this conversation/)

    const before = g.events('sam', 'messages:changed').length
    await g.as('priya')('messages:send', { conversationId: thread.id, text: 'Sam cannot see this' })
    await g.flushed()
    expect(g.events('sam', 'messages:changed')).toHaveLength(before)
  })

  it('keeps a removed participant out of the thread after it ends, while those who left can still read it', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'alex' })
    await g.as('priya')('messages:send', { conversationId: thread.id, text: 'About the invoice' })
    g.clock.advance(1000)
    await g.as('priya')('conversations:removeParticipant', { id: thread.id, userId: 'sam' })
    g.clock.advance(1000)
    await g.as('alex')('conversations:leave', { id: thread.id })
    g.clock.advance(1000)
    await g.as('priya')('conversations:leave', { id: thread.id })
    expect((await g.as('priya')('conversations:get', { id: thread.id })).endedAt).toBeDefined()

    await g.fails('sam', 'conversations:get', { id: thread.id }, 'forbidden')
    await g.fails('sam', 'messages:list', { conversationId: thread.id }, 'forbidden')
    await g.fails('sam', 'conversations:restart', { id: thread.id }, 'forbidden')
    expect((await g.as('sam')('conversations:list', { contactId: thread.contactId })).map((c) => c.id)).not.toContain(thread.id)

    // Former participants read it in the contact's history, read-only.
    for (const userId of ['priya', 'alex']) {
      expect((await g.as(userId)('conversations:list', { contactId: thread.contactId })).map((c) => c.id)).toContain(thread.id)
      expect((await g.as(userId)('messages:list', { conversationId: thread.id })).length).toBeGreaterThan(0)
      await g.fails(userId, 'messages:send', { conversationId: thread.id, text: 'Hello again' }, 'conflict')
    }
  })

  it('lets a removed colleague back in when added again, with the whole history', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    await g.as('priya')('messages:send', { conversationId: thread.id, text: 'Before' })
    // Same instant on purpose: removal, return and leave are told apart by order, not time.
    await g.as('priya')('conversations:removeParticipant', { id: thread.id, userId: 'sam' })
    await g.as('priya')('messages:send', { conversationId: thread.id, text: 'While away' })
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    const texts = (await g.as('sam')('messages:list', { conversationId: thread.id })).map((m) => m.text)
    expect(texts).toEqual(expect.arrayContaining(['Before', 'While away', 'Priya Shah removed Sam Lee', 'Priya Shah added Sam Lee']))

    await g.as('sam')('conversations:leave', { id: thread.id })
    await g.as('priya')('conversations:leave', { id: thread.id })
    // Sam left on his own the second time, so the ended thread is in his history.
    expect((await g.as('sam')('conversations:get', { id: thread.id })).endedAt).toBeDefined()
  })
})
