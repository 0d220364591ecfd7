import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('stored webhook deliveries', ({ store }) => {
  const delivery = (sha: string, state: 'pending' | 'rejected' = 'pending', source = 'whatsapp') => ({
    receivedAt: 10,
    source,
    bodySha256: sha,
    body: `{"sha":"${sha}"}`,
    state,
    ...(state === 'rejected' ? { error: 'bad signature' } : {}),
  })

  it('stores a delivery to process once per source and bytes, and keeps every refused one', async () => {
    const first = await store().webhookEvents.storeWebhookEvent(delivery('a'))
    expect(await store().webhookEvents.storeWebhookEvent(delivery('a'))).toBe(first)
    const otherSource = await store().webhookEvents.storeWebhookEvent(delivery('a', 'pending', 'twilio'))
    expect(otherSource).not.toBe(first)
    const refused = [
      await store().webhookEvents.storeWebhookEvent(delivery('a', 'rejected')),
      await store().webhookEvents.storeWebhookEvent(delivery('a', 'rejected')),
    ]
    expect(new Set([first, otherSource, ...refused]).size).toBe(4)
    expect(await store().webhookEvents.hasWebhookEvent('whatsapp', 'a')).toBe(true)
    expect(await store().webhookEvents.hasWebhookEvent('whatsapp', 'b')).toBe(false)
    expect(await store().webhookEvents.storeWebhookEvent(delivery('b', 'rejected'))).toBeGreaterThan(0)
    expect(await store().webhookEvents.hasWebhookEvent('whatsapp', 'b')).toBe(false)
  })

  it('stores the same retry once when it arrives several times at the same moment', async () => {
    const numbers = await Promise.all([1, 2, 3, 4, 5].map(() => store().webhookEvents.storeWebhookEvent(delivery('same'))))
    expect(new Set(numbers).size).toBe(1)
    expect(await store().webhookEvents.pendingWebhookEvents('whatsapp')).toHaveLength(1)
  })

  it('lists pending deliveries of one source in order until they are marked', async () => {
    const a = await store().webhookEvents.storeWebhookEvent(delivery('a'))
    const b = await store().webhookEvents.storeWebhookEvent(delivery('b'))
    await store().webhookEvents.storeWebhookEvent(delivery('c', 'pending', 'twilio'))
    expect((await store().webhookEvents.pendingWebhookEvents('whatsapp')).map((row) => row.seq)).toEqual([a, b])
    expect((await store().webhookEvents.pendingWebhookEvents('whatsapp', 1)).map((row) => row.body)).toEqual(['{"sha":"a"}'])
    await store().webhookEvents.markWebhookEvent(a, 'processed')
    await store().webhookEvents.markWebhookEvent(b, 'failed', 'no such contact')
    expect(await store().webhookEvents.pendingWebhookEvents('whatsapp')).toEqual([])
    // A processed delivery still counts as stored: a late retry of it is not applied again.
    expect(await store().webhookEvents.storeWebhookEvent(delivery('a'))).toBe(a)
  })

  it('starts with an empty change log', async () => {
    expect(await store().changeLog.latestChangeSeq()).toBe(0)
    expect(await store().changeLog.oldestChangeSeq()).toBe(0)
    expect(await store().changeLog.changesSince(0, 10)).toEqual([])
  })
})
