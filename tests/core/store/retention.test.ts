import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('the retention purge', ({ store }) => {
  const seed = async () => {
    await store().orgUsers.syncOrgUsers([{ id: 'priya', name: 'Priya' }])
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    await store().conversations.insertConversation({ id: 'c1', contactId: 'k1', channel: 'whatsapp', now: 1 })
    const message = async (
      id: string,
      at: number,
      extra: Partial<Parameters<ReturnType<typeof store>['messages']['insertMessage']>[0]> = {},
    ) => {
      const seq = await store().messages.insertMessage({
        id,
        conversationId: 'c1',
        direction: 'out',
        kind: 'text',
        body: id,
        status: 'sent',
        createdAt: at,
        ...extra,
      })
      await store().conversations.touchConversation('c1', seq, at)
      return seq
    }
    return { message }
  }

  it('deletes old messages in batches with their reactions and outbox rows, skips one being sent, and repoints the preview', async () => {
    const { message } = await seed()
    const old1 = await message('old1', 10)
    await store().messages.setReaction('old1', 'contact', '👍', 11)
    await message('old2', 20, { status: 'queued' })
    await store().outbox.enqueue({ messageId: 'old2', lane: 'k1', seq: old1 + 1, kind: 'text', state: 'ready', dueAt: 20 })
    const sending = await message('sending', 30, { status: 'sending' })
    await store().outbox.enqueue({ messageId: 'sending', lane: 'k2', seq: sending, kind: 'text', state: 'ready', dueAt: 30 })
    await store().outbox.lease('sending', 1_000)
    const kept = await message('new', 500)

    const first = await store().retention.purgeMessageBatch(100, 0, 1)
    expect(first).toEqual({ messages: 1, reactions: 1, outbox: 0, lastSeq: old1, conversationIds: ['c1'] })
    const second = await store().retention.purgeMessageBatch(100, first!.lastSeq, 10)
    expect(second).toMatchObject({ messages: 1, reactions: 0, outbox: 1, conversationIds: ['c1'] })
    expect(await store().retention.purgeMessageBatch(100, second!.lastSeq, 10)).toBeNull()
    expect(await store().messages.getMessageRow('sending')).toBeDefined()
    expect((await store().messages.listMessageRows('c1', {})).map((m) => m.id)).toEqual(['sending', 'new'])
    expect(kept).toBeGreaterThan(sending)
  })

  it('expires old and orphaned pictures; a message that showed one keeps its text and says it expired', async () => {
    const { message } = await seed()
    await store().media.upsertMedia({ id: 'thumb', mimeType: 'image/jpeg', size: 10, now: 1 })
    await store().media.upsertMedia({ id: 'pic', mimeType: 'image/jpeg', size: 100, thumbnailId: 'thumb', now: 1 })
    await store().media.upsertMedia({ id: 'orphan', mimeType: 'image/png', size: 7, now: 2 })
    await store().media.upsertMedia({ id: 'fresh', mimeType: 'image/png', size: 5, now: 900 })
    await message('m1', 3, { kind: 'image', mediaId: 'pic', mediaState: 'ready', body: 'look' })

    expect((await store().retention.expiredMedia(null, 100)).map((m) => m.id).sort()).toEqual(['orphan'])
    const expired = await store().retention.expiredMedia(50, 100)
    expect(expired.map((m) => m.id).sort()).toEqual(['orphan', 'pic', 'thumb'])
    expect(expired.find((m) => m.id === 'pic')?.size).toBe(100)

    expect(await store().retention.deleteMediaRow('pic', 60)).toBe(1)
    expect(await store().media.getMedia('pic')).toBeUndefined()
    const row = (await store().messages.getMessageRow('m1'))!
    expect(row).toMatchObject({ body: 'look', media_id: null, media_state: null, updated_at: 60 })
    expect(JSON.parse(row.extra!)).toEqual({ mediaRemoved: 'retention' })
  })
})
