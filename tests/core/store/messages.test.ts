import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('messages and reactions', ({ store }) => {
  const seed = async () => {
    await store().orgUsers.syncOrgUsers([{ id: 'priya', name: 'Priya Shah' }])
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    await store().conversations.insertConversation({ id: 'c1', contactId: 'k1', channel: 'whatsapp', now: 1 })
    await store().media.upsertMedia({ id: 'pic', mimeType: 'image/jpeg', size: 2048, width: 40, height: 30, thumbnailId: 'thumb', now: 1 })
  }
  const text = (id: string, at: number, extra: Record<string, unknown> = {}) =>
    store().messages.insertMessage({
      id,
      conversationId: 'c1',
      direction: 'in',
      kind: 'text',
      body: `hello ${id}`,
      status: 'received',
      createdAt: at,
      ...extra,
    })

  it('stores a message and reads it back with its author and picture, by id, provider id and client id', async () => {
    await seed()
    const seq = await store().messages.insertMessage({
      id: 'm1',
      conversationId: 'c1',
      direction: 'out',
      authorId: 'priya',
      kind: 'image',
      body: 'look\u0002here',
      mediaId: 'pic',
      extra: { caption: true },
      status: 'queued',
      holdReason: 'awaiting_consent',
      providerId: 'wamid.1',
      clientId: 'client-1',
      createdAt: 10,
    })
    expect(seq).toBeGreaterThan(0)
    const row = await store().messages.getMessageRow('m1')
    expect(row).toMatchObject({
      seq,
      author_name: 'Priya Shah',
      body: 'lookhere',
      media_mime: 'image/jpeg',
      media_size: 2048,
      media_width: 40,
      media_thumbnail_id: 'thumb',
      extra: '{"caption":true}',
      hold_reason: 'awaiting_consent',
      sent_at: null,
      created_at: 10,
      updated_at: 10,
    })
    expect((await store().messages.getMessageRowByProviderId('wamid.1'))?.id).toBe('m1')
    expect((await store().messages.getMessageRowByClientId('c1', 'client-1'))?.id).toBe('m1')
    expect(await store().messages.getMessageRow('nope')).toBeUndefined()
  })

  it('pages a thread oldest first before a cursor, leaving reactions out', async () => {
    await seed()
    const seqs: number[] = []
    for (let i = 1; i <= 5; i++) seqs.push(await text(`m${i}`, i))
    await store().messages.insertMessage({
      id: 'r1',
      conversationId: 'c1',
      direction: 'in',
      kind: 'reaction',
      body: '👍',
      status: 'received',
      createdAt: 6,
    })
    expect((await store().messages.listMessageRows('c1', { limit: 2 })).map((r) => r.id)).toEqual(['m4', 'm5'])
    expect((await store().messages.listMessageRows('c1', { beforeSeq: seqs[3], limit: 2 })).map((r) => r.id)).toEqual(['m2', 'm3'])
    expect(await store().messages.unreadInboundProviderIds('c1')).toEqual([])
  })

  it('updates status with its time kept from the first time, and records a late earlier status', async () => {
    await seed()
    await text('m1', 1)
    await store().messages.updateMessage('m1', { status: 'sent', providerId: 'wamid.9', holdReason: null, now: 20 })
    await store().messages.updateMessage('m1', { status: 'sent', now: 25 })
    await store().messages.updateMessage('m1', { status: 'read', error: null, errorCode: null, now: 30 })
    await store().messages.recordStatusTime('m1', 'delivered', 28)
    await store().messages.recordStatusTime('m1', 'delivered', 29)
    await store().messages.setMessageExtra('m1', { edited: 1 })
    expect(await store().messages.getMessageRow('m1')).toMatchObject({
      status: 'read',
      provider_id: 'wamid.9',
      sent_at: 20,
      delivered_at: 28,
      read_at: 30,
      updated_at: 30,
      extra: '{"edited":1}',
    })
    expect((await store().messages.bodiesByProviderId(['wamid.9', 'wamid.none'])).get('wamid.9')).toEqual({
      id: 'm1',
      body: 'hello m1',
      kind: 'text',
    })
  })

  it('keeps each person’s newest reaction, ignoring one that arrives late', async () => {
    await seed()
    await text('m1', 1)
    await store().messages.setReaction('m1', 'ana', '👍', 10)
    await store().messages.setReaction('m1', 'ana', '❤️', 12)
    await store().messages.setReaction('m1', 'ana', '😮', 11)
    await store().messages.setReaction('m1', 'priya', '🙏', 13)
    expect((await store().messages.reactionsFor(['m1', 'm2'])).get('m1')).toEqual([
      { emoji: '🙏', by: 'priya', at: 13 },
      { emoji: '❤️', by: 'ana', at: 12 },
    ])
    await store().messages.setReaction('m1', 'ana', null, 11)
    expect((await store().messages.reactionsFor(['m1'])).get('m1')).toHaveLength(2)
    await store().messages.setReaction('m1', 'ana', null, 14)
    expect((await store().messages.reactionsFor(['m1'])).get('m1')).toEqual([{ emoji: '🙏', by: 'priya', at: 13 }])
    expect((await store().messages.reactionsFor([])).size).toBe(0)
  })

  it('lists pictures still to download, oldest first', async () => {
    await seed()
    await text('m1', 1, { kind: 'image', mediaState: 'downloading', providerMediaId: 'media-1' })
    await text('m2', 2, { kind: 'image', mediaState: 'ready', providerMediaId: 'media-2' })
    await text('m3', 3, { kind: 'image', mediaState: 'failed', providerMediaId: 'media-3' })
    expect((await store().messages.pendingMediaDownloads()).map((r) => r.id)).toEqual(['m1', 'm3'])
  })

  it('searches the threads the user may read, newest first, the last word as a prefix, a page at a time', async () => {
    await seed()
    await store().conversations.addParticipant('c1', 'priya', 1)
    await store().contacts.insertContact({ id: 'k2', name: 'Bo', phone: '+14155550102', now: 1 })
    await store().conversations.insertConversation({ id: 'c2', contactId: 'k2', channel: 'sms', now: 1 })
    await text('m1', 10, { body: 'The quarterly report is ready' })
    await text('m2', 20, { body: 'Café on Friday? Quarterly numbers first' })
    await text('m3', 30, { body: 'quarterly report, second draft' })
    await store().messages.insertMessage({
      id: 'hidden',
      conversationId: 'c2',
      direction: 'in',
      kind: 'text',
      body: 'quarterly report elsewhere',
      status: 'received',
      createdAt: 40,
    })

    const hits = await store().messages.searchMessageRows('priya', 'quarterly rep', 10)
    expect(hits.map((h) => h.id)).toEqual(['m3', 'm1'])
    expect(hits[0]).toMatchObject({
      conversation_id: 'c1',
      thread_channel: 'whatsapp',
      thread_contact_name: 'Ana',
      thread_ended_at: null,
      thread_current: 1,
    })
    expect(hits[0].snippet).toContain('\u0002quarterly\u0003')
    expect((await store().messages.searchMessageRows('priya', 'cafe', 10)).map((h) => h.id)).toEqual(['m2'])
    expect((await store().messages.searchMessageRows('priya', 'quarterly', 1)).map((h) => h.id)).toEqual(['m3'])
    expect((await store().messages.searchMessageRows('priya', 'quarterly', 5, 'm3')).map((h) => h.id)).toEqual(['m2', 'm1'])
    expect(await store().messages.searchMessageRows('priya', '  ', 5)).toEqual([])
    expect(await store().messages.searchMessageRows('nobody', 'quarterly', 5)).toEqual([])
  })
})
