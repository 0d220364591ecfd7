import type { EngineContext } from '../context'
import { insertMessage } from '../db/repositories/messages'
import { touchConversation } from '../db/repositories/conversations'

/** A system line in a thread ("Priya added Sam", "Ana accepted the opt-in request"). */
export function addSystemLine(ctx: EngineContext, conversationId: string, text: string, extra?: Record<string, unknown>): string {
  const id = ctx.newId('m_')
  const now = ctx.clock.now()
  const seq = insertMessage(ctx.db, {
    id,
    conversationId,
    direction: 'system',
    kind: 'system',
    body: text,
    status: 'received',
    createdAt: now,
    ...(extra ? { extra } : {}),
  })
  touchConversation(ctx.db, conversationId, seq, now)
  ctx.changes.message(id, conversationId)
  return id
}
