import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('threads and their participants', ({ store }) => {
  const seed = async () => {
    await store().orgUsers.syncOrgUsers([
      { id: 'priya', name: 'Priya' },
      { id: 'sam', name: 'Sam' },
      { id: 'tom', name: 'Tom' },
    ])
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    await store().conversations.insertConversation({ id: 'c1', contactId: 'k1', channel: 'whatsapp', now: 1 })
    await store().conversations.addParticipant('c1', 'priya', 1)
  }

  it('adds a participant once, counts unread for current ones and clears it for the reader', async () => {
    await seed()
    expect(await store().conversations.addParticipant('c1', 'priya', 2)).toBe(false)
    expect(await store().conversations.addParticipant('c1', 'sam', 2)).toBe(true)
    await store().conversations.incrementUnread('c1')
    await store().conversations.incrementUnread('c1')
    expect(await store().conversations.markReadFor('c1', 'sam', 3)).toBe(true)
    expect(await store().conversations.markReadFor('c1', 'sam', 4)).toBe(false)
    expect(await store().conversations.participantUserIds('c1')).toEqual(['priya', 'sam'])
  })

  it('adds the same person once when two requests add them at the same moment', async () => {
    await seed()
    const added = await Promise.all([1, 2, 3].map(() => store().conversations.addParticipant('c1', 'tom', 5)))
    expect(added.filter(Boolean)).toHaveLength(1)
    expect(await store().conversations.participantUserIds('c1')).toEqual(['priya', 'tom'])
  })

  it('lets current participants read, and after the end those who left but were not removed', async () => {
    await seed()
    await store().conversations.addParticipant('c1', 'sam', 2)
    await store().conversations.addParticipant('c1', 'tom', 2)
    expect(await store().conversations.removeParticipant('c1', 'sam', 3)).toBe(true)
    await store().ledger.appendAudit({ at: 3, actorId: 'sam', action: 'participant.left', conversationId: 'c1', detail: {} })
    expect(await store().conversations.removeParticipant('c1', 'tom', 3)).toBe(true)
    await store().ledger.appendAudit({
      at: 3,
      actorId: 'priya',
      action: 'participant.removed',
      conversationId: 'c1',
      detail: { userId: 'tom' },
    })
    expect(await store().conversations.canRead('c1', 'priya')).toBe(true)
    expect(await store().conversations.canRead('c1', 'sam')).toBe(false)
    expect(await store().conversations.isParticipant('c1', 'sam')).toBe(false)

    expect(await store().conversations.endConversation('c1', 9)).toBe(true)
    expect(await store().conversations.endConversation('c1', 10)).toBe(false)
    expect(await store().conversations.canRead('c1', 'sam')).toBe(true)
    expect(await store().conversations.canRead('c1', 'tom')).toBe(false)
    expect(await store().conversations.canRead('c1', 'nobody')).toBe(false)
    expect((await store().conversations.listParticipants('c1', true)).map((p) => p.user_id)).toEqual(['priya', 'sam'])
  })

  it('lists open threads by contact, channel and participant, and the current participants of many', async () => {
    await seed()
    await store().conversations.insertConversation({ id: 'c2', contactId: 'k1', channel: 'whatsapp', now: 5 })
    await store().conversations.insertConversation({ id: 'c3', contactId: 'k1', channel: 'sms', now: 6 })
    await store().conversations.addParticipant('c2', 'priya', 5)
    await store().conversations.addParticipant('c2', 'sam', 5)
    await store().conversations.touchConversation('c1', 1, 10)
    await store().conversations.touchConversation('c1', 1, 7)
    expect(await store().conversations.openConversationIds('k1', 'whatsapp')).toEqual(['c1', 'c2'])
    expect((await store().conversations.openWhatsAppConversationIds()).sort()).toEqual(['c1', 'c2'])
    expect(await store().conversations.openConversationIdsOf('priya')).toEqual(['c1', 'c2'])
    expect(await store().conversations.conversationBasics('c3')).toEqual({ id: 'c3', contactId: 'k1', channel: 'sms', endedAt: null })
    expect(await store().conversations.conversationBasics('none')).toBeUndefined()
    const participants = await store().conversations.currentParticipantsOf(['c1', 'c2', 'c3'])
    expect([...participants.keys()].sort()).toEqual(['c1', 'c2'])
    expect(participants.get('c2')?.map((p) => p.user_id)).toEqual(['priya', 'sam'])
    await store().conversations.endConversation('c1', 11)
    expect(await store().conversations.openConversationIdsOf('priya')).toEqual(['c2'])
  })

  it('pages the list newest first by activity, ties in the order threads were made, with a cursor that never skips or repeats', async () => {
    await seed()
    for (const [id, at] of [
      ['c2', 5],
      ['c3', 5],
      ['c4', 5],
      ['c5', 7],
    ] as const) {
      await store().conversations.insertConversation({ id, contactId: 'k1', channel: id === 'c4' ? 'sms' : 'whatsapp', now: at })
      await store().conversations.addParticipant(id, 'priya', at)
    }
    await store().conversations.insertConversation({ id: 'other', contactId: 'k1', channel: 'whatsapp', now: 9 })
    await store().conversations.addParticipant('other', 'sam', 9)
    await store().conversations.incrementUnread('c3')

    const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id)
    expect(ids(await store().conversations.listConversationRows('priya'))).toEqual(['c5', 'c4', 'c3', 'c2', 'c1'])
    const first = await store().conversations.listConversationRows('priya', { limit: 2 })
    const last = first.at(-1)!
    const rest = await store().conversations.listConversationRows('priya', {
      cursor: { lastActivityAt: last.last_activity_at, id: last.id },
    })
    expect([...ids(first), ...ids(rest)]).toEqual(['c5', 'c4', 'c3', 'c2', 'c1'])
    expect(ids(await store().conversations.listConversationRows('priya', { channel: 'sms' }))).toEqual(['c4'])
    expect(ids(await store().conversations.listConversationRows('priya', { unread: true }))).toEqual(['c3'])

    const row = (await store().conversations.getConversationRow('c3', 'priya'))!
    expect(row).toMatchObject({ id: 'c3', contact_name: 'Ana', channel: 'whatsapp', unread: 1, ended_at: null, last_activity_at: 5 })
    expect((await store().conversations.getConversationRow('c3', 'sam'))?.unread).toBeNull()
    expect(await store().conversations.getConversationRow('nope', 'priya')).toBeUndefined()
    expect(await store().conversations.latestConversationId('k1', 'whatsapp')).toEqual({ id: 'other', endedAt: null })
  })

  it('knows who took part, who was removed, who handed a thread over, and what continues an ended one', async () => {
    await seed()
    const audit = (at: number, action: string, detail: Record<string, string>) =>
      store().ledger.appendAudit({ at, actorId: 'priya', action, conversationId: 'c1', detail })
    // Priya removes Sam, then hands the thread to Tom (Tom joins, she leaves: one transfer).
    await store().conversations.addParticipant('c1', 'sam', 2)
    await store().conversations.removeParticipant('c1', 'sam', 3)
    await audit(3, 'participant.removed', { userId: 'sam' })
    await store().conversations.addParticipant('c1', 'tom', 4)
    await store().conversations.removeParticipant('c1', 'priya', 4)
    await audit(4, 'conversation.transferred', { toUserId: 'tom' })

    expect(await store().conversations.wasParticipant('c1', 'priya')).toBe(true)
    expect(await store().conversations.wasRemoved('c1', 'priya')).toBe(false)
    expect(await store().conversations.wasParticipant('c1', 'sam')).toBe(false)
    expect(await store().conversations.wasRemoved('c1', 'sam')).toBe(true)
    expect(await store().conversations.wasParticipant('c1', 'nobody')).toBe(false)
    expect(await store().conversations.transferredToBy('c1', 'tom')).toBe('priya')
    expect(await store().conversations.transferredToBy('c1', 'sam')).toBeUndefined()

    await store().conversations.endConversation('c1', 5)
    expect(await store().conversations.endedConversationIdsFor('priya', 'k1')).toEqual(['c1'])
    expect(await store().conversations.endedConversationIdsFor('sam', 'k1')).toEqual([])
    expect(await store().conversations.openContinuationOf('c1')).toBeUndefined()
    await store().conversations.insertConversation({ id: 'c2', contactId: 'k1', channel: 'whatsapp', now: 6, restartedFrom: 'c1' })
    expect(await store().conversations.openContinuationOf('c1')).toBe('c2')
    expect(await store().conversations.latestConversationId('k1', 'whatsapp')).toEqual({ id: 'c2', endedAt: null })
  })

  it('holds a conversation for one transaction at a time: a second waits until the first has ended', async () => {
    await seed()
    const order: string[] = []
    let finishFirst!: () => void
    let firstHolds!: () => void
    const holding = new Promise<void>((resolve) => (firstHolds = resolve))
    const first = store().transaction(async (tx) => {
      await tx.conversations.lockConversation('c1')
      firstHolds()
      await new Promise<void>((resolve) => (finishFirst = resolve))
      order.push('first ended')
    })
    await holding
    const second = store().transaction(async (tx) => {
      await tx.conversations.lockConversation('c1')
      order.push('second holds')
    })
    // Round trips on other connections: time for the second to reach the lock if nothing held it.
    for (let i = 0; i < 5; i++) await store().ping()
    finishFirst()
    await Promise.all([first, second])
    expect(order).toEqual(['first ended', 'second holds'])
  })
})
