import { expect, it } from 'vitest'
import { describeStores } from '../../helpers/store-engines'

describeStores('the outbox rows', ({ store }) => {
  const seed = async () => {
    await store().contacts.insertContact({ id: 'k1', name: 'Ana', phone: '+14155550101', now: 1 })
    await store().conversations.insertConversation({ id: 'c1', contactId: 'k1', channel: 'whatsapp', now: 1 })
    for (const [i, id] of ['m1', 'm2', 'm3', 'm4'].entries()) {
      await store().messages.insertMessage({
        id,
        conversationId: 'c1',
        direction: 'out',
        kind: 'text',
        body: id,
        status: 'queued',
        createdAt: i,
      })
    }
    await store().outbox.takeChangedLanes()
  }

  it('queues rows per lane in order, leases a ready one once, and marks the lanes written', async () => {
    await seed()
    await store().outbox.enqueue({ messageId: 'm1', lane: 'wa:k1', seq: 1, kind: 'template', state: 'held', dueAt: 0 })
    await store().outbox.enqueue({ messageId: 'm2', lane: 'wa:k1', seq: 2, kind: 'text', state: 'held', dueAt: 0 })
    await store().outbox.enqueue({ messageId: 'm3', lane: 'wa:k2', seq: 3, kind: 'text', state: 'ready', dueAt: 5 })
    expect(await store().outbox.hasChangedLanes()).toBe(true)
    expect([...(await store().outbox.takeChangedLanes()).lanes].sort()).toEqual(['wa:k1', 'wa:k2'])
    expect(await store().outbox.hasChangedLanes()).toBe(false)
    expect((await store().outbox.laneCandidates('wa:k1')).map((r) => r.message_id)).toEqual(['m2'])
    expect((await store().outbox.laneRows('wa:k1')).map((r) => r.message_id)).toEqual(['m1', 'm2'])
    expect(await store().outbox.activeLanes()).toEqual(['wa:k2'])
    expect(await store().outbox.outboxCounts()).toEqual({ held: 2, ready: 1, leased: 0 })

    expect(await store().outbox.lease('m3', 100)).toBe(true)
    expect(await store().outbox.lease('m3', 100)).toBe(false)
    expect(await store().outbox.getOutboxRow('m3')).toMatchObject({ state: 'leased', lease_until: 100, attempts: 1 })
    expect((await store().outbox.takeChangedLanes()).lanes).toEqual(new Set(['wa:k2']))
    expect(await store().outbox.waitingMessageIds('c1')).toEqual(expect.arrayContaining(['m1', 'm2']))
    expect(await store().outbox.waitingMessageIds('c1')).toHaveLength(2)
  })

  it('releases a lane, reschedules, holds, keeps and extends leases, and removes rows', async () => {
    await seed()
    await store().outbox.enqueue({ messageId: 'm1', lane: 'wa:k1', seq: 1, kind: 'text', state: 'held', dueAt: 0 })
    await store().outbox.enqueue({ messageId: 'm2', lane: 'wa:k1', seq: 2, kind: 'text', state: 'held', dueAt: 0 })
    expect(await store().outbox.releaseLane('wa:k1', 50)).toBe(2)
    expect(await store().outbox.getOutboxRow('m2')).toMatchObject({ state: 'ready', due_at: 50 })
    await store().outbox.lease('m1', 60)
    await store().outbox.keepLeased('m1', 90, 'timeout')
    expect(await store().outbox.expiredLeases(80)).toEqual([])
    expect((await store().outbox.expiredLeases(90)).map((r) => [r.message_id, r.last_error])).toEqual([['m1', 'timeout']])
    expect(await store().outbox.extendLeases(120)).toBe(1)
    expect((await store().outbox.takeChangedLanes()).all).toBe(true)
    expect((await store().outbox.getOutboxRow('m1'))?.lease_until).toBe(120)
    await store().outbox.reschedule('m1', 200, 'retry later')
    expect(await store().outbox.getOutboxRow('m1')).toMatchObject({
      state: 'ready',
      due_at: 200,
      lease_until: null,
      last_error: 'retry later',
    })
    await store().outbox.hold('m2')
    expect((await store().outbox.getOutboxRow('m2'))?.state).toBe('held')
    await store().outbox.lease('m1', 300)
    await store().accountHealth.giveBackAttempt('m1')
    await store().accountHealth.giveBackAttempt('m1')
    expect((await store().outbox.getOutboxRow('m1'))?.attempts).toBe(0)
    expect(await store().outbox.removeFromOutbox('m1')).toBe(true)
    expect(await store().outbox.removeFromOutbox('m1')).toBe(false)
    expect(await store().outbox.outboxCounts()).toEqual({ held: 1, ready: 0, leased: 0 })
  })
})
