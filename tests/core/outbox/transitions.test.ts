import { afterEach, describe, expect, it } from 'vitest'
import { getMessageRow } from '../../../electron/core/db/repositories/messages'
import * as outbox from '../../../electron/core/db/repositories/outbox'
import { saveConsent } from '../../../electron/core/db/repositories/whatsapp-users'
import { holdForNew, holdsRow, laneHeads } from '../../../electron/core/outbox/hold-rule'
import * as transitions from '../../../electron/core/outbox/transitions'
import type { HoldReason } from '../../../electron/shared/domain'
import { compliantEngine, type CompliantEngine } from '../compliance/helpers'

let t: CompliantEngine | undefined
afterEach(async () => {
  await t?.engine.close()
  t = undefined
})

/** A WhatsApp thread with Ana, never asked for consent; the engine is not started (nothing sends). */
async function thread() {
  t = compliantEngine()
  const contact = await t.must('priya')('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
  const conversation = await t.must('priya')('conversations:start', { contactId: contact.id, channel: 'whatsapp', requestConsent: false })
  const send = (text: string) => t!.must('priya')('messages:send', { conversationId: conversation.id, text })
  return { ctx: t.engine.ctx, lane: contact.id, conversationId: conversation.id, send }
}

const both = (ctx: CompliantEngine['engine']['ctx'], id: string) => {
  const message = getMessageRow(ctx.db, id)
  return { status: message?.status, holdReason: message?.hold_reason ?? null, outbox: outbox.getOutboxRow(ctx.db, id)?.state ?? null }
}

describe('message transitions write the message and its outbox row together', () => {
  it('holds, releases, sends, retries, fails and cancels with both sides in step', async () => {
    const { ctx, lane, send } = await thread()
    const first = await send('first')
    expect(both(ctx, first.id)).toEqual({ status: 'held', holdReason: 'awaiting_consent', outbox: 'held' })

    expect(await transitions.releaseLane(ctx, lane)).toBe(1)
    expect(both(ctx, first.id)).toEqual({ status: 'queued', holdReason: null, outbox: 'ready' })

    const now = ctx.clock.now()
    await transitions.startSending(ctx, first.id, now + 1000, now)
    expect(both(ctx, first.id)).toMatchObject({ status: 'sending', outbox: 'leased' })
    await transitions.retryLater(ctx, first.id, now + 500, 'busy', now)
    expect(both(ctx, first.id)).toMatchObject({ status: 'queued', outbox: 'ready' })
    await transitions.startSending(ctx, first.id, now + 1000, now)
    await transitions.accepted(ctx, first.id, 'wamid.1', now)
    expect(both(ctx, first.id)).toMatchObject({ status: 'sent', outbox: null })
    expect(getMessageRow(ctx.db, first.id)?.provider_id).toBe('wamid.1')

    const second = await send('second')
    await transitions.fail(ctx, second.id, { reason: 'No', code: 131026 }, now)
    expect(both(ctx, second.id)).toMatchObject({ status: 'failed', outbox: null })
    await transitions.requeue(ctx, { messageId: second.id, lane, seq: getMessageRow(ctx.db, second.id)!.seq, kind: 'text' }, now)
    expect(both(ctx, second.id)).toMatchObject({ status: 'queued', outbox: 'ready' })
    expect(getMessageRow(ctx.db, second.id)?.error).toBeNull()
    await transitions.cancel(ctx, second.id, now)
    expect(both(ctx, second.id)).toEqual({ status: 'cancelled', holdReason: null, outbox: null })
  })

  it('an accepted send keeps a status a webhook already moved further', async () => {
    const { ctx, send } = await thread()
    const m = await send('hello')
    const now = ctx.clock.now()
    await transitions.startSending(ctx, m.id, now + 1000, now)
    await transitions.settledByStatus(ctx, m.id, 'delivered', now)
    outbox.enqueue(ctx.db, { messageId: m.id, lane: 'x', seq: 1, kind: 'text', state: 'ready', dueAt: now })
    await transitions.accepted(ctx, m.id, 'wamid.2', now)
    expect(both(ctx, m.id)).toMatchObject({ status: 'delivered', outbox: null })
  })

  it('a transition refused half-way changes neither side', async () => {
    const { ctx, lane, send } = await thread()
    const m = await send('hello')
    await transitions.releaseLane(ctx, lane)
    const before = both(ctx, m.id)
    expect(before).toMatchObject({ status: 'queued', outbox: 'ready' })
    // The outbox row is held first; the schema then refuses the message's reason (migration 0020).
    await expect(transitions.hold(ctx, m.id, 'later' as HoldReason)).rejects.toThrow('invalid messages.hold_reason')
    expect(both(ctx, m.id)).toEqual(before)
  })

  it('a closed window (131047) puts an accepted message back in its lane, held, with the lane', async () => {
    const { ctx, lane, send } = await thread()
    const a = await send('a')
    const b = await send('b')
    await transitions.releaseLane(ctx, lane)
    const now = ctx.clock.now()
    await transitions.startSending(ctx, a.id, now + 1000, now)
    await transitions.accepted(ctx, a.id, 'wamid.a', now)
    await transitions.heldForClosedWindow(ctx, { messageId: a.id, lane, seq: getMessageRow(ctx.db, a.id)!.seq, kind: 'text' }, now)
    expect(both(ctx, a.id)).toEqual({ status: 'held', holdReason: 'awaiting_reply', outbox: 'held' })
    expect(both(ctx, b.id)).toEqual({ status: 'held', holdReason: 'awaiting_reply', outbox: 'held' })
  })
})

describe('the hold rule', () => {
  const row = (seq: number, state: outbox.OutboxRow['state'], kind: outbox.OutboxKind = 'text', lane = 'c1'): outbox.OutboxRow => ({
    message_id: `m${seq}`,
    lane,
    seq,
    kind,
    state,
    due_at: 100 - seq,
    attempts: 0,
    lease_until: null,
    last_error: null,
  })

  it('a new message waits for the policy first, then behind an earlier held message with its reason', async () => {
    const { ctx, lane, send } = await thread()
    const now = ctx.clock.now()
    expect(await holdForNew(ctx, lane, 'freeform', now)).toBe('awaiting_consent')
    expect(await holdForNew(ctx, lane, 'template', now)).toBeUndefined()
    await send('waits')
    saveConsent(ctx.db, lane, { state: 'granted', updatedAt: now })
    // Consent is there but the user never wrote (window closed): the policy holds first.
    expect(await holdForNew(ctx, lane, 'freeform', now)).toBe('awaiting_reply')
    ctx.db.prepare('UPDATE whatsapp_users SET last_inbound_at = ? WHERE contact_id = ?').run(now, lane)
    // Window open: still behind the held message, for its reason.
    expect(await holdForNew(ctx, lane, 'freeform', now)).toBe('awaiting_consent')
    await transitions.releaseLane(ctx, lane)
    expect(await holdForNew(ctx, lane, 'freeform', now)).toBeUndefined()
  })

  it('a closed window does not stop templates unless asked; nothing on its way is stopped', () => {
    expect(holdsRow(row(1, 'ready', 'template'), 'awaiting_reply')).toBe(false)
    expect(holdsRow(row(1, 'ready', 'template'), 'awaiting_reply', { templatesToo: true })).toBe(true)
    expect(holdsRow(row(1, 'ready', 'template'), 'opted_out')).toBe(true)
    expect(holdsRow(row(1, 'leased'), 'opted_out')).toBe(false)
    expect(holdsRow(row(1, 'ready'), 'awaiting_reply')).toBe(true)
  })

  it('per lane the head is the first row not held; free-form rows never pass a held one, templates may', () => {
    const { heads, blocked } = laneHeads([
      row(1, 'held', 'text', 'a'),
      row(2, 'ready', 'text', 'a'),
      row(3, 'held', 'text', 'b'),
      row(4, 'ready', 'template', 'b'),
      row(5, 'ready', 'text', 'c'),
      row(6, 'ready', 'text', 'c'),
    ])
    expect(heads.map((h) => h.message_id)).toEqual(['m5', 'm4'])
    expect(blocked.map((rows) => rows.map((r) => r.message_id))).toEqual([['m1', 'm2']])
  })
})
