import type { HoldReason } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import type * as outbox from '../db/repositories/outbox'
import { holdsRow } from './hold-rule'

/**
 * The one place that moves an outbound message between states: each function writes the
 * message's status and its outbox row together, in one transaction (a savepoint when the caller
 * already holds one), and announces the change. Nothing else updates a message's status next to
 * its outbox row, so the two can never disagree (a `held` message whose row is ready, a `queued`
 * message with no row).
 */

/** Waits, with the reason shown, until its lane is released. */
export async function hold(ctx: EngineContext, messageId: string, reason: HoldReason, now = ctx.clock.now()): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.hold(messageId)
    await tx.store.messages.updateMessage(messageId, { status: 'held', holdReason: reason, now })
  })
  ctx.changes.message(messageId)
}

/** Everything of this lane that the hold rule stops (see `holdsRow`) waits for `reason`. */
export async function holdLane(
  ctx: EngineContext,
  lane: string,
  reason: HoldReason,
  options: { templatesToo?: boolean } = {},
): Promise<number> {
  const now = ctx.clock.now()
  return inTransaction(ctx, async (tx) => {
    let count = 0
    for (const row of await tx.store.outbox.laneRows(lane)) {
      if (!holdsRow(row, reason, options)) continue
      await hold(tx, row.message_id, reason, now)
      count++
    }
    return count
  })
}

/** Held messages of this lane become due now, queued in the order they were written. */
export async function releaseLane(ctx: EngineContext, lane: string, now = ctx.clock.now()): Promise<number> {
  const released = await inTransaction(ctx, async (tx) => {
    const held = (await tx.store.outbox.laneRows(lane)).filter((row) => row.state === 'held').map((row) => row.message_id)
    if (held.length === 0) return held
    await tx.store.outbox.releaseLane(lane, now)
    for (const messageId of held) await tx.store.messages.updateMessage(messageId, { status: 'queued', holdReason: null, now })
    return held
  })
  for (const messageId of released) ctx.changes.message(messageId)
  return released.length
}

/** Will never go out: leaves the outbox, shown as cancelled. */
export async function cancel(ctx: EngineContext, messageId: string, now: number, conversationId?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.removeFromOutbox(messageId)
    await tx.store.messages.updateMessage(messageId, { status: 'cancelled', holdReason: null, now })
  })
  ctx.changes.message(messageId, conversationId)
}

/** A failed message goes back into its lane at its original place (`seq`), due now. */
export async function requeue(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
  conversationId?: string,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.messages.updateMessage(row.messageId, { status: 'queued', error: null, errorCode: null, now })
    await tx.store.outbox.removeFromOutbox(row.messageId)
    await tx.store.outbox.enqueue({ ...row, state: 'ready', dueAt: now })
  })
  ctx.changes.message(row.messageId, conversationId)
}

/**
 * A send starts: the row is leased until `leaseUntil` and the message shows as sending. False, and
 * nothing written, when the row cannot be leased: another server instance took it first, or
 * something earlier in its lane may still go (PostgreSQL; see the repository's `lease`).
 */
export async function startSending(
  ctx: EngineContext,
  messageId: string,
  leaseUntil: number,
  now: number,
  conversationId?: string,
): Promise<boolean> {
  const leased = await inTransaction(ctx, async (tx) => {
    if (!(await tx.store.outbox.lease(messageId, leaseUntil))) return false
    await tx.store.messages.updateMessage(messageId, { status: 'sending', now })
    return true
  })
  if (leased) ctx.changes.message(messageId, conversationId)
  return leased
}

/**
 * A send that was leased but did not start (a limit shared with other instances ran out meanwhile):
 * the row is ready again at `dueAt` with its attempt given back, the message queued again.
 */
export async function giveBackLease(ctx: EngineContext, messageId: string, dueAt: number, conversationId?: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.giveBackLease(messageId, dueAt)
    await tx.store.messages.updateMessage(messageId, { status: 'queued', now: ctx.clock.now() })
  })
  ctx.changes.message(messageId, conversationId)
}

/**
 * The provider accepted it: it leaves the outbox with its provider id. `sending` becomes `sent`;
 * a status that a webhook already moved further (delivered, read) is kept.
 */
export async function accepted(
  ctx: EngineContext,
  messageId: string,
  providerId: string,
  now: number,
  conversationId?: string,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.removeFromOutbox(messageId)
    const current = await tx.store.messages.getMessageRow(messageId)
    await tx.store.messages.updateMessage(messageId, {
      providerId,
      ...(current?.status === 'sending' ? { status: 'sent' as const } : {}),
      now,
    })
  })
  ctx.changes.message(messageId, conversationId)
}

/** Tried again at `dueAt`; it shows as queued meanwhile. */
export async function retryLater(
  ctx: EngineContext,
  messageId: string,
  dueAt: number,
  reason: string,
  now: number,
  conversationId?: string,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.reschedule(messageId, dueAt, reason)
    await tx.store.messages.updateMessage(messageId, { status: 'queued', now })
  })
  ctx.changes.message(messageId, conversationId)
}

/** Failed for good, with a plain-language reason: it leaves the outbox. */
export async function fail(
  ctx: EngineContext,
  messageId: string,
  error: { reason: string; code?: number },
  now: number,
  conversationId?: string,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.removeFromOutbox(messageId)
    await tx.store.messages.updateMessage(messageId, { status: 'failed', error: error.reason, errorCode: error.code ?? null, now })
  })
  ctx.changes.message(messageId, conversationId)
}

/**
 * A status webhook settled a send: the message leaves the outbox (reconciled, never sent twice)
 * and, when given, takes the new status.
 */
export async function settledByStatus(
  ctx: EngineContext,
  messageId: string,
  status: 'sent' | 'delivered' | 'read' | undefined,
  now: number,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.removeFromOutbox(messageId)
    if (status) await tx.store.messages.updateMessage(messageId, { status, now })
  })
}

/**
 * WhatsApp refused it for the closed window (131047) although it looked open: it and its lane
 * wait for the user to write again, rather than fail. A message that already left the outbox
 * (its send was accepted, then refused by a status webhook) goes back in, held.
 */
export async function heldForClosedWindow(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (!(await tx.store.outbox.getOutboxRow(row.messageId))) await tx.store.outbox.enqueue({ ...row, state: 'held', dueAt: now })
    await holdLane(tx, row.lane, 'awaiting_reply')
    await hold(tx, row.messageId, 'awaiting_reply', now)
  })
}

/** A held message goes back to its lane's order, due now (its attempts are untouched). */
export async function release(ctx: EngineContext, messageId: string, now = ctx.clock.now()): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await tx.store.outbox.reschedule(messageId, now)
    await tx.store.messages.updateMessage(messageId, { status: 'queued', holdReason: null, now })
  })
  ctx.changes.message(messageId)
}

/**
 * WhatsApp refused the whole account while this message was being sent: it waits, held with the
 * reason, and the attempt is given back. A message that already left the outbox (accepted, then
 * refused by a status webhook) goes back in.
 */
export async function heldForAccount(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    if (!(await tx.store.outbox.getOutboxRow(row.messageId))) await tx.store.outbox.enqueue({ ...row, state: 'held', dueAt: now })
    else await tx.store.accountHealth.giveBackAttempt(row.messageId)
    await hold(tx, row.messageId, 'account_paused', now)
  })
}
