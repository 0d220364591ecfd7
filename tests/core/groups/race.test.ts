import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiError } from '../../../electron/shared/api/result'
import { startGroupEngine, type GroupEngine } from './group-engine'

/** Two people (or two windows) acting at once end in one consistent result; the loser is told why. */
describe('concurrent group changes', () => {
  let g: GroupEngine
  beforeEach(async () => {
    g = await startGroupEngine()
  })
  afterEach(async () => {
    await g.close()
  })

  function split<T>(results: Array<{ ok: true; value: T } | { ok: false; error: ApiError }>) {
    const winners = results.flatMap((r, index) => (r.ok ? [index] : []))
    const losers = results.flatMap((r) => (r.ok ? [] : [r.error]))
    return { winners, losers }
  }

  it('one user transferring to two colleagues from two windows: one transfer happens, the other is refused', async () => {
    const thread = await g.thread()
    const results = await Promise.all([
      g.raw('priya', 'conversations:transfer', { id: thread.id, toUserId: 'sam', note: 'Sam knows the account' }),
      g.raw('priya', 'conversations:transfer', { id: thread.id, toUserId: 'alex', note: 'Alex is on call' }),
    ])
    const { winners, losers } = split(results)
    expect(winners).toHaveLength(1)
    expect(losers).toHaveLength(1)
    expect(losers[0].code).toBe('conflict')
    expect(losers[0].message).toMatch(/no longer in this conversation.*not transferred/)

    const winner = winners[0] === 0 ? 'sam' : 'alex'
    expect(g.participants(thread.id)).toEqual([winner])
    const lines = await g.systemLines(thread.id, winner)
    expect(lines.filter((l) => l.includes('transferred'))).toHaveLength(1)
    const transfers = (await g.audit(thread.id)).filter((a) => a.action === 'conversation.transferred')
    expect(transfers).toEqual([
      { action: 'conversation.transferred', actorId: 'priya', detail: expect.objectContaining({ toUserId: winner }) },
    ])
    expect((await g.as(winner)('conversations:get', { id: thread.id })).endedAt).toBeUndefined()
  })

  it('A→C and B→C at once: C gets the thread once, one of A and B stays, the other is refused', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    const results = await Promise.all([
      g.raw('priya', 'conversations:transfer', { id: thread.id, toUserId: 'alex', note: 'from Priya' }),
      g.raw('sam', 'conversations:transfer', { id: thread.id, toUserId: 'alex', note: 'from Sam' }),
    ])
    const { winners, losers } = split(results)
    expect(winners).toHaveLength(1)
    expect(losers[0].code).toBe('conflict')
    expect(losers[0].message).toMatch(/already transferred this conversation to Alex Morgan, so yours was not transferred/)

    const [winner, loser] = winners[0] === 0 ? ['priya', 'sam'] : ['sam', 'priya']
    expect(g.participants(thread.id)).toEqual([loser, 'alex'].sort())
    const transfers = (await g.audit(thread.id)).filter((a) => a.action === 'conversation.transferred')
    expect(transfers).toHaveLength(1)
    expect(transfers[0].actorId).toBe(winner)
    await g.fails(winner, 'conversations:get', { id: thread.id }, 'forbidden')
    // The loser still has the thread and can act on it.
    await g.as(loser)('messages:send', { conversationId: thread.id, text: 'Still here' })
  })

  it('transfer against removal: whichever lands first decides, the other is refused with the reason', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    const [transfer, removal] = await Promise.all([
      g.raw('sam', 'conversations:transfer', { id: thread.id, toUserId: 'alex' }),
      g.raw('priya', 'conversations:removeParticipant', { id: thread.id, userId: 'sam' }),
    ])
    expect([transfer.ok, removal.ok].filter(Boolean)).toHaveLength(1)
    if (transfer.ok) {
      expect(removal.ok || removal.error.code).toBe('conflict')
      expect(g.participants(thread.id)).toEqual(['alex', 'priya'])
    } else {
      expect(transfer.error).toMatchObject({ code: 'forbidden', message: 'You were removed from this conversation' })
      expect(g.participants(thread.id)).toEqual(['priya'])
    }
  })

  it('two colleagues adding the same person at once: added once, the other told they are already in', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    const results = await Promise.all([
      g.raw('priya', 'conversations:addParticipant', { id: thread.id, userId: 'alex' }),
      g.raw('sam', 'conversations:addParticipant', { id: thread.id, userId: 'alex' }),
    ])
    const { winners, losers } = split(results)
    expect(winners).toHaveLength(1)
    expect(losers[0]).toMatchObject({ code: 'conflict', message: 'Alex Morgan is already in this conversation' })
    expect(g.participants(thread.id)).toEqual(['alex', 'priya', 'sam'])
    expect((await g.systemLines(thread.id, 'alex')).filter((l) => l.endsWith('added Alex Morgan'))).toHaveLength(1)
  })

  it('everyone leaving at once ends the conversation exactly once', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'alex' })
    const results = await Promise.all(['priya', 'sam', 'alex'].map((u) => g.raw(u, 'conversations:leave', { id: thread.id })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(g.participants(thread.id)).toEqual([])
    expect((await g.systemLines(thread.id, 'sam')).filter((l) => l === 'The conversation ended')).toHaveLength(1)
    expect((await g.audit(thread.id)).filter((a) => a.action === 'conversation.ended')).toHaveLength(1)
  })

  it('two former participants restarting an ended thread at once get one new thread', async () => {
    const thread = await g.thread()
    await g.as('priya')('conversations:addParticipant', { id: thread.id, userId: 'sam' })
    await g.as('priya')('conversations:leave', { id: thread.id })
    await g.as('sam')('conversations:leave', { id: thread.id })
    const [a, b] = await Promise.all([
      g.raw('priya', 'conversations:restart', { id: thread.id }),
      g.raw('sam', 'conversations:restart', { id: thread.id }),
    ])
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1)
    const won = (a.ok ? a : b) as { ok: true; value: { id: string } }
    const lost = (a.ok ? b : a) as { ok: false; error: ApiError }
    expect(lost.error).toMatchObject({ code: 'conflict', details: { conversationId: won.value.id } })
    expect(lost.error.message).toMatch(/already restarted/)
    const restarted = g.engine.db.prepare('SELECT count(*) FROM conversations WHERE restarted_from = ?').pluck().get(thread.id)
    expect(restarted).toBe(1)
    // The winner restarting again (a second window) lands in the same thread.
    const again = await g.as(a.ok ? 'priya' : 'sam')('conversations:restart', { id: thread.id })
    expect(again.id).toBe(won.value.id)
  })
})
