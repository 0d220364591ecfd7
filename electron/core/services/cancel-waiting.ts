import type { EngineContext } from '../context'
import { cancel } from '../outbox/transitions'

/** Nobody is left to answer for them: messages still waiting in an ended thread never go out. */
export async function cancelWaiting(ctx: EngineContext, conversationId: string, now: number): Promise<void> {
  for (const messageId of await ctx.store.outbox.waitingMessageIds(conversationId)) await cancel(ctx, messageId, now, conversationId)
}
