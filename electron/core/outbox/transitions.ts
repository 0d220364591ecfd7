import type { HoldReason } from '../../shared/domain'
import type { EngineContext } from '../context'
import { getMessageRow, updateMessage } from '../db/repositories/messages'
import { giveBackAttempt } from '../db/repositories/account-health'
import * as outbox from '../db/repositories/outbox'
import { holdsRow } from './hold-rule'

/**
 * The one place that moves an outbound message between states: each function writes the
 * message's status and its outbox row together, in one transaction (a savepoint when the caller
 * already holds one), and announces the change. Nothing else updates a message's status next to
 * its outbox row, so the two can never disagree (a `held` message whose row is ready, a `queued`
 * message with no row).
 */

function inTransaction(ctx: EngineContext, write: () => void): void {
  ctx.db.transaction(write)()
}

/** Waits, with the reason shown, until its lane is released. */
export function hold(ctx: EngineContext, messageId: string, reason: HoldReason, now = ctx.clock.now()): void {
  inTransaction(ctx, () => {
    outbox.hold(ctx.db, messageId)
    updateMessage(ctx.db, messageId, { status: 'held', holdReason: reason, now })
  })
  ctx.changes.message(messageId)
}

/** Everything of this lane that the hold rule stops (see `holdsRow`) waits for `reason`. */
export function holdLane(ctx: EngineContext, lane: string, reason: HoldReason, options: { templatesToo?: boolean } = {}): number {
  const now = ctx.clock.now()
  let count = 0
  inTransaction(ctx, () => {
    for (const row of outbox.laneRows(ctx.db, lane)) {
      if (!holdsRow(row, reason, options)) continue
      hold(ctx, row.message_id, reason, now)
      count++
    }
  })
  return count
}

/** Held messages of this lane become due now, queued in the order they were written. */
export function releaseLane(ctx: EngineContext, lane: string, now = ctx.clock.now()): number {
  let released: string[] = []
  inTransaction(ctx, () => {
    released = outbox
      .laneRows(ctx.db, lane)
      .filter((row) => row.state === 'held')
      .map((row) => row.message_id)
    if (released.length === 0) return
    outbox.releaseLane(ctx.db, lane, now)
    for (const messageId of released) updateMessage(ctx.db, messageId, { status: 'queued', holdReason: null, now })
  })
  for (const messageId of released) ctx.changes.message(messageId)
  return released.length
}

/** Will never go out: leaves the outbox, shown as cancelled. */
export function cancel(ctx: EngineContext, messageId: string, now: number, conversationId?: string): void {
  inTransaction(ctx, () => {
    outbox.removeFromOutbox(ctx.db, messageId)
    updateMessage(ctx.db, messageId, { status: 'cancelled', holdReason: null, now })
  })
  ctx.changes.message(messageId, conversationId)
}

/** A failed message goes back into its lane at its original place (`seq`), due now. */
export function requeue(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
  conversationId?: string,
): void {
  inTransaction(ctx, () => {
    updateMessage(ctx.db, row.messageId, { status: 'queued', error: null, errorCode: null, now })
    outbox.removeFromOutbox(ctx.db, row.messageId)
    outbox.enqueue(ctx.db, { ...row, state: 'ready', dueAt: now })
  })
  ctx.changes.message(row.messageId, conversationId)
}

/** A send starts: the row is leased until `leaseUntil` and the message shows as sending. */
export function startSending(ctx: EngineContext, messageId: string, leaseUntil: number, now: number, conversationId?: string): void {
  inTransaction(ctx, () => {
    outbox.lease(ctx.db, messageId, leaseUntil)
    updateMessage(ctx.db, messageId, { status: 'sending', now })
  })
  ctx.changes.message(messageId, conversationId)
}

/**
 * The provider accepted it: it leaves the outbox with its provider id. `sending` becomes `sent`;
 * a status that a webhook already moved further (delivered, read) is kept.
 */
export function accepted(ctx: EngineContext, messageId: string, providerId: string, now: number, conversationId?: string): void {
  inTransaction(ctx, () => {
    outbox.removeFromOutbox(ctx.db, messageId)
    const current = getMessageRow(ctx.db, messageId)
    updateMessage(ctx.db, messageId, { providerId, ...(current?.status === 'sending' ? { status: 'sent' as const } : {}), now })
  })
  ctx.changes.message(messageId, conversationId)
}

/** Tried again at `dueAt`; it shows as queued meanwhile. */
export function retryLater(
  ctx: EngineContext,
  messageId: string,
  dueAt: number,
  reason: string,
  now: number,
  conversationId?: string,
): void {
  inTransaction(ctx, () => {
    outbox.reschedule(ctx.db, messageId, dueAt, reason)
    updateMessage(ctx.db, messageId, { status: 'queued', now })
  })
  ctx.changes.message(messageId, conversationId)
}

/** Failed for good, with a plain-language reason: it leaves the outbox. */
export function fail(
  ctx: EngineContext,
  messageId: string,
  error: { reason: string; code?: number },
  now: number,
  conversationId?: string,
): void {
  inTransaction(ctx, () => {
    outbox.removeFromOutbox(ctx.db, messageId)
    updateMessage(ctx.db, messageId, { status: 'failed', error: error.reason, errorCode: error.code ?? null, now })
  })
  ctx.changes.message(messageId, conversationId)
}

/**
 * A status webhook settled a send: the message leaves the outbox (reconciled, never sent twice)
 * and, when given, takes the new status.
 */
export function settledByStatus(
  ctx: EngineContext,
  messageId: string,
  status: 'sent' | 'delivered' | 'read' | undefined,
  now: number,
): void {
  inTransaction(ctx, () => {
    outbox.removeFromOutbox(ctx.db, messageId)
    if (status) updateMessage(ctx.db, messageId, { status, now })
  })
}

/**
 * WhatsApp refused it for the closed window (131047) although it looked open: it and its lane
 * wait for the user to write again, rather than fail. A message that already left the outbox
 * (its send was accepted, then refused by a status webhook) goes back in, held.
 */
export function heldForClosedWindow(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
): void {
  inTransaction(ctx, () => {
    if (!outbox.getOutboxRow(ctx.db, row.messageId)) outbox.enqueue(ctx.db, { ...row, state: 'held', dueAt: now })
    holdLane(ctx, row.lane, 'awaiting_reply')
    hold(ctx, row.messageId, 'awaiting_reply', now)
  })
}

/** A held message goes back to its lane's order, due now (its attempts are untouched). */
export function release(ctx: EngineContext, messageId: string, now = ctx.clock.now()): void {
  inTransaction(ctx, () => {
    outbox.reschedule(ctx.db, messageId, now)
    updateMessage(ctx.db, messageId, { status: 'queued', holdReason: null, now })
  })
  ctx.changes.message(messageId)
}

/**
 * WhatsApp refused the whole account while this message was being sent: it waits, held with the
 * reason, and the attempt is given back. A message that already left the outbox (accepted, then
 * refused by a status webhook) goes back in.
 */
export function heldForAccount(
  ctx: EngineContext,
  row: { messageId: string; lane: string; seq: number; kind: outbox.OutboxKind },
  now: number,
): void {
  inTransaction(ctx, () => {
    if (!outbox.getOutboxRow(ctx.db, row.messageId)) outbox.enqueue(ctx.db, { ...row, state: 'held', dueAt: now })
    else giveBackAttempt(ctx.db, row.messageId)
    hold(ctx, row.messageId, 'account_paused', now)
  })
}
