import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('reply routing candidates', ({ store }) => {
  const seed = async () => {
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    await store().contacts.insertContact({ id: 'k2', name: 'Ben', phone: '+14155550102', now: 1 })
    await store().conversations.insertConversation({ id: 'a1', contactId: 'k1', channel: 'whatsapp', now: 1 })
    await store().conversations.insertConversation({ id: 'a2', contactId: 'k1', channel: 'whatsapp', now: 2 })
    await store().conversations.insertConversation({ id: 'b1', contactId: 'k2', channel: 'whatsapp', now: 3 })
    await store().conversations.insertConversation({ id: 'a3', contactId: 'k1', channel: 'sms', now: 4 })
    const out = (id: string, conversationId: string, at: number) =>
      store().messages.insertMessage({ id, conversationId, direction: 'out', kind: 'text', body: id, status: 'sent', createdAt: at })
    await out('m1', 'a1', 5)
    return { last: await out('m2', 'a2', 6) }
  }

  it('lists the open threads with a contact on a channel, with their last outbound message', async () => {
    const { last } = await seed()
    const candidates = await store().replyThreads.replyCandidates('k1', 'whatsapp')
    expect(candidates.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'a1', contactId: 'k1', channel: 'whatsapp', lastOutboundSeq: expect.any(Number), lastActivityAt: 1, createdAt: 1 },
      { id: 'a2', contactId: 'k1', channel: 'whatsapp', lastOutboundSeq: last, lastActivityAt: 2, createdAt: 2 },
    ])
    await store().conversations.endConversation('a1', 9)
    expect((await store().replyThreads.replyCandidates('k1', 'whatsapp')).map((c) => c.id)).toEqual(['a2'])
  })

  it('gives only contacts with more than one open thread on a channel', async () => {
    await seed()
    const shared = await store().replyThreads.sharedReplyCandidates(['k1', 'k2', 'k1'])
    expect(shared.map((c) => c.id).sort()).toEqual(['a1', 'a2'])
    expect(shared.find((c) => c.id === 'a1')?.lastOutboundSeq).toBeGreaterThan(0)
    expect(await store().replyThreads.sharedReplyCandidates([])).toEqual([])
  })
})
