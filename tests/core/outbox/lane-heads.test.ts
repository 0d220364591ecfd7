import { afterEach, describe, expect, it } from 'vitest'
import * as outbox from '../../../electron/core/db/repositories/outbox'
import { LANES_PER_SLICE, LaneHeads } from '../../../electron/core/outbox/lane-heads'
import * as transitions from '../../../electron/core/outbox/transitions'
import { TurnBudget } from '../../../electron/core/outbox/turn-budget'
import { compliantEngine, type CompliantEngine } from '../compliance/helpers'

let t: CompliantEngine | undefined
afterEach(async () => {
  await t?.engine.close()
  t = undefined
})

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** `lanes` WhatsApp users without consent, each with `perLane` messages held (nothing is sent). */
async function heldLanes(lanes: number, perLane: number) {
  t = compliantEngine()
  const ids: string[] = []
  for (let i = 0; i < lanes; i++) {
    const contact = await t.must('priya')('contacts:create', { name: `User ${i}`, phone: `+1415555${String(1000 + i)}` })
    const { id } = await t.must('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
    for (let m = 0; m < perLane; m++) await t.must('priya')('messages:send', { conversationId: id, text: `message ${m}` })
    ids.push(contact.id)
  }
  const ctx = t.engine.ctx
  // The opt-in requests the first messages asked for are not what this test is about.
  for (const row of ctx.db.prepare(`SELECT message_id FROM outbox WHERE kind = 'template'`).pluck().all() as string[])
    await transitions.cancel(ctx, row, ctx.clock.now())
  return { ctx, lanes: ids }
}

describe('the scheduler reads lane heads, not held rows (issue 21)', () => {
  it('starts without reading a lane that only holds messages, and re-reads only the lane released', async () => {
    const { ctx, lanes } = await heldLanes(30, 3)
    expect(outbox.outboxCounts(ctx.db).held).toBe(90)
    const heads = new LaneHeads(ctx)
    expect(await heads.refresh()).toBe(false)
    expect(heads.lanesRead).toBe(0)
    expect([...heads.values()]).toEqual([])

    await transitions.releaseLane(ctx, lanes[7])
    await heads.refresh()
    expect(heads.lanesRead).toBe(1)
    const [head] = [...heads.values()]
    expect(head).toMatchObject({ lane: lanes[7], state: 'ready' })
    expect(head.seq).toBe(Math.min(...outbox.laneRows(ctx.db, lanes[7]).map((r) => r.seq)))

    // A wake with nothing written reads nothing.
    await heads.refresh()
    expect(heads.lanesRead).toBe(1)
    // Sending the head moves the lane to its next message.
    const now = ctx.clock.now()
    await transitions.startSending(ctx, head.message_id, now + 1000, now)
    await transitions.accepted(ctx, head.message_id, 'wamid.x', now)
    await heads.refresh()
    expect(heads.lanesRead).toBe(2)
    expect([...heads.values()].map((r) => r.message_id)).not.toContain(head.message_id)
    expect([...heads.values()]).toHaveLength(1)
  }, 60_000)

  it("ends re-reading once the turn's time is spent, after at least one lane per slice", async () => {
    const { ctx, lanes } = await heldLanes(12, 1)
    let now = 0
    // Each look at the work clock costs 1 ms of it: a 3 ms budget, first asked after the slice's
    // first lane, reads 4.
    const heads = new LaneHeads(ctx, { budget: new TurnBudget(3, () => now++) })
    await heads.refresh()
    for (const lane of lanes) await transitions.releaseLane(ctx, lane)
    await nextTurn()
    const before = heads.lanesRead
    expect(await heads.refresh()).toBe(true)
    expect(heads.lanesRead - before).toBe(4)
    // Each send settled in a turn wakes the scheduler: its slices in a spent turn read one lane each.
    expect(await heads.refresh()).toBe(true)
    expect(heads.lanesRead - before).toBe(5)
    // The next turn has time again.
    await nextTurn()
    expect(await heads.refresh()).toBe(true)
    expect(heads.lanesRead - before).toBe(9)
    // A clock that does not move: the count alone bounds the slice (all 12 fit).
    const unbounded = new LaneHeads(ctx, { budget: new TurnBudget(3, () => 0) })
    expect(await unbounded.refresh()).toBe(false)
    expect(unbounded.lanesRead).toBe(12)
  }, 60_000)

  it('re-reads a bulk release in bounded slices and says when more remain', async () => {
    const { ctx, lanes } = await heldLanes(LANES_PER_SLICE + 10, 1)
    const heads = new LaneHeads(ctx)
    await heads.refresh()
    for (const lane of lanes) await transitions.releaseLane(ctx, lane)
    expect(await heads.isStale()).toBe(true)
    expect(await heads.refresh()).toBe(true)
    expect(heads.lanesRead).toBe(LANES_PER_SLICE)
    expect(await heads.refresh()).toBe(false)
    expect(heads.lanesRead).toBe(LANES_PER_SLICE + 10)
    expect(await heads.isStale()).toBe(false)
    expect(new Set([...heads.values()].map((r) => r.lane))).toEqual(new Set(lanes))
    expect(heads.nextDueAt()).toBe(ctx.clock.now())
  }, 120_000)

  it('rebuilds from the outbox at start (a restart keeps ready lanes)', async () => {
    const { ctx, lanes } = await heldLanes(4, 2)
    await transitions.releaseLane(ctx, lanes[1])
    await transitions.releaseLane(ctx, lanes[3])
    const heads = new LaneHeads(ctx)
    await heads.refresh()
    expect(heads.lanesRead).toBe(2)
    expect(new Set([...heads.values()].map((r) => r.lane))).toEqual(new Set([lanes[1], lanes[3]]))
  }, 60_000)
})
