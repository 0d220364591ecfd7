import type { HoldReason } from '../../shared/domain'
import type { EngineContext } from '../context'
import { updateMessage } from '../db/repositories/messages'
import * as outbox from '../db/repositories/outbox'

/**
 * A lane is one WhatsApp user's queue of outbound messages, kept in the order they were written.
 * These helpers move a whole lane between held and ready; the scheduler re-checks the policy for
 * each message when it reaches the head, so releasing too eagerly is safe and holding is final
 * until the next release.
 */

/** Held messages of this WhatsApp user become due now, in the order they were written. */
export function releaseLane(ctx: EngineContext, lane: string): number {
  const now = ctx.clock.now()
  const held = outbox.laneRows(ctx.db, lane).filter((row) => row.state === 'held')
  if (held.length === 0) return 0
  outbox.releaseLane(ctx.db, lane, now)
  for (const row of held) {
    updateMessage(ctx.db, row.message_id, { status: 'queued', holdReason: null, now })
    ctx.changes.message(row.message_id)
  }
  ctx.wakeOutbox()
  return held.length
}

/** Everything of this user's that is not already on its way waits, with the reason shown. */
export function holdLane(ctx: EngineContext, lane: string, reason: HoldReason, options: { templatesToo?: boolean } = {}): number {
  const now = ctx.clock.now()
  let count = 0
  for (const row of outbox.laneRows(ctx.db, lane)) {
    if (row.state === 'leased') continue
    if (row.kind === 'template' && !options.templatesToo && reason === 'awaiting_reply') continue
    holdMessage(ctx, row.message_id, reason, now)
    count++
  }
  return count
}

export function holdMessage(ctx: EngineContext, messageId: string, reason: HoldReason, now = ctx.clock.now()): void {
  outbox.hold(ctx.db, messageId)
  updateMessage(ctx.db, messageId, { status: 'held', holdReason: reason, now })
  ctx.changes.message(messageId)
}
