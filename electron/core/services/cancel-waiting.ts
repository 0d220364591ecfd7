import type { EngineContext } from '../context'
import { updateMessage } from '../db/repositories/messages'
import * as outbox from '../db/repositories/outbox'

/** Nobody is left to answer for them: messages still waiting in an ended thread never go out. */
export function cancelWaiting(ctx: EngineContext, conversationId: string, now: number): void {
  for (const messageId of outbox.waitingMessageIds(ctx.db, conversationId)) {
    outbox.removeFromOutbox(ctx.db, messageId)
    updateMessage(ctx.db, messageId, { status: 'cancelled', holdReason: null, now })
    ctx.changes.message(messageId, conversationId)
  }
}
