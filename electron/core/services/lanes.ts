import type { EngineContext } from '../context'
import * as transitions from '../outbox/transitions'

/**
 * A lane is one WhatsApp user's queue of outbound messages, kept in the order they were written.
 * These helpers move a whole lane between held and ready (the writes are outbox/transitions'); the
 * scheduler re-checks the policy for each message when it reaches the head, so releasing too
 * eagerly is safe and holding is final until the next release.
 */

/** Held messages of this WhatsApp user become due now, in the order they were written. */
export async function releaseLane(ctx: EngineContext, lane: string): Promise<number> {
  const released = await transitions.releaseLane(ctx, lane)
  if (released > 0) ctx.wakeOutbox()
  return released
}

/** Everything of this user's that is not already on its way waits, with the reason shown. */
export const holdLane = transitions.holdLane

export const holdMessage = transitions.hold
