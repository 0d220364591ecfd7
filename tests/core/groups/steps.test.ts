import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startGroupEngine, type GroupEngine } from './group-engine'

/** Each change is a system line for the people in the thread and an audit row with who, when and what. */
describe('group steps: system lines and audit log', () => {
  let g: GroupEngine
  beforeEach(async () => {
    g = await startGroupEngine()
  })
  afterEach(async () => {
    await g.close()
  })

  it('add, remove, transfer with a note, leave, end and restart', async () => {
    const thread = await g.thread()
    const id = thread.id
    const step = () => g.clock.advance(60_000)

    step()
    const added = await g.as('priya')('conversations:addParticipant', { id, userId: 'sam' })
    expect(added.participants.map((p) => p.userId)).toEqual(['priya', 'sam'])
    step()
    await g.as('sam')('conversations:addParticipant', { id, userId: 'alex' })
    step()
    const afterRemoval = await g.as('sam')('conversations:removeParticipant', { id, userId: 'alex' })
    expect(afterRemoval.participants.map((p) => p.userId)).toEqual(['priya', 'sam'])
    step()
    await g.as('priya')('conversations:transfer', { id, toUserId: 'alex', note: '  Ana wants the March invoice  ' })
    step()
    await g.as('sam')('conversations:leave', { id })
    step()
    // Removing yourself is leaving.
    await g.as('alex')('conversations:removeParticipant', { id, userId: 'alex' })

    const lines = [
      'Priya Shah added Sam Lee',
      'Sam Lee added Alex Morgan',
      'Sam Lee removed Alex Morgan',
      'Priya Shah transferred the conversation to Alex Morgan: Ana wants the March invoice',
      'Sam Lee left the conversation',
      'Alex Morgan left the conversation',
      'The conversation ended',
    ]
    // Former participants (not removed) read the ended thread: every line is there.
    expect(await g.systemLines(id, 'alex')).toEqual(lines)
    expect(await g.systemLines(id, 'priya')).toEqual(lines)

    const audit = await g.audit(id)
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['conversation.started', 'priya'],
      ['participant.added', 'priya'],
      ['participant.added', 'sam'],
      ['participant.removed', 'sam'],
      ['conversation.transferred', 'priya'],
      ['participant.left', 'sam'],
      ['participant.left', 'alex'],
      ['conversation.ended', 'alex'],
    ])
    expect(audit[1].detail).toEqual({ userId: 'sam' })
    expect(audit[3].detail).toEqual({ userId: 'alex' })
    expect(audit[4].detail).toEqual({ toUserId: 'alex', note: 'Ana wants the March invoice' })
    const times = (await g.as('priya')('audit:list', { limit: 1000 }))
      .filter((a) => a.conversationId === id)
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((a) => a.at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(new Set(times).size).toBeGreaterThan(5)

    step()
    const restarted = await g.as('sam')('conversations:restart', { id })
    expect(restarted.id).not.toBe(id)
    expect(restarted.endedAt).toBeUndefined()
    expect(restarted.participants.map((p) => p.userId)).toEqual(['sam'])
    expect(await g.systemLines(restarted.id, 'sam')).toEqual(['Sam Lee restarted the conversation'])
    expect(await g.audit(restarted.id)).toEqual([{ action: 'conversation.restarted', actorId: 'sam', detail: { restartedFrom: id } }])
  })

  it('shows each step to the right people: the added, the transferred-to; not the removed or departed', async () => {
    const thread = await g.thread()
    const id = thread.id
    await g.as('priya')('conversations:addParticipant', { id, userId: 'sam' })
    await g.flushed()
    // The added colleague gets the thread (with its whole history) by event.
    expect(g.events('sam', 'conversations:changed').map((c) => c.id)).toContain(id)
    await g.as('priya')('conversations:transfer', { id, toUserId: 'alex', note: 'Please call her back' })
    await g.flushed()
    expect(g.events('priya', 'conversations:removed')).toEqual([{ id }])
    const alexSees = g
      .events('alex', 'messages:changed')
      .filter((m) => m.conversationId === id && m.direction === 'system')
      .map((m) => m.text)
    expect(alexSees).toEqual(['Priya Shah transferred the conversation to Alex Morgan: Please call her back'])
    expect(g.events('sam', 'messages:changed').map((m) => m.text)).toContain(
      'Priya Shah transferred the conversation to Alex Morgan: Please call her back',
    )
    expect(g.events('priya', 'messages:changed').map((m) => m.text)).not.toContain(
      'Priya Shah transferred the conversation to Alex Morgan: Please call her back',
    )
    expect((await g.as('priya')('conversations:list', {})).map((c) => c.id)).not.toContain(id)
    expect((await g.as('alex')('conversations:list', {})).map((c) => c.id)).toContain(id)
  })

  it('transfers to a colleague already in the thread: you leave, they keep it with your note', async () => {
    const thread = await g.thread()
    const id = thread.id
    await g.as('priya')('conversations:addParticipant', { id, userId: 'sam' })
    await g.as('priya')('conversations:transfer', { id, toUserId: 'sam', note: 'She prefers mornings' })
    expect(g.participants(id)).toEqual(['sam'])
    expect(await g.systemLines(id, 'sam')).toEqual([
      'Priya Shah added Sam Lee',
      'Priya Shah transferred the conversation to Sam Lee: She prefers mornings',
    ])
    await g.fails('priya', 'messages:list', { conversationId: id }, 'forbidden')
  })

  it('refuses impossible steps with the reason', async () => {
    const thread = await g.thread()
    const id = thread.id
    await g.fails('priya', 'conversations:transfer', { id, toUserId: 'priya' }, 'invalid')
    await g.fails('priya', 'conversations:transfer', { id, toUserId: 'nobody' }, 'not_found')
    await g.fails('priya', 'conversations:addParticipant', { id, userId: 'nobody' }, 'not_found')
    await g.fails('priya', 'conversations:addParticipant', { id, userId: 'priya' }, 'conflict')
    await g.fails('priya', 'conversations:removeParticipant', { id, userId: 'sam' }, 'conflict')
    await g.fails('priya', 'conversations:restart', { id }, 'conflict')
    await g.fails('priya', 'conversations:transfer', { id: 'v_missing', toUserId: 'sam' }, 'not_found')
    expect(await g.audit(id)).toHaveLength(1)
    expect(await g.systemLines(id, 'priya')).toEqual([])
  })
})
