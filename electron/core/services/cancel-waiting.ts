import type { EngineContext } from '../context'
import * as outbox from '../db/repositories/outbox'
import { cancel } from '../outbox/transitions'

/** Nobody is left to answer for them: messages still waiting in an ended thread never go out. */
export function cancelWaiting(ctx: EngineContext, conversationId: string, now: number): void {
  for (const messageId of outbox.waitingMessageIds(ctx.db, conversationId)) cancel(ctx, messageId, now, conversationId)
}
