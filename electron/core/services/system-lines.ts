import type { EngineText } from '../../shared/api/engine-text'
import type { EngineContext } from '../context'

/**
 * What a system line says as a code and the names in it (`extra.line`), so each screen writes it
 * in its user's language (src/i18n: `systemLine.<code>`). The English `text` stays in the body for
 * exports, search and clients that do not know the code.
 */
export interface SystemLineCode {
  code: string
  /** Names as given; an EngineText (a reason) is translated too (`errors.<code>`). */
  params?: Record<string, string | EngineText>
}

/** A system line in a thread ("Priya added Sam", "Ana accepted the opt-in request"). */
export async function addSystemLine(
  ctx: EngineContext,
  conversationId: string,
  text: string,
  extra?: Record<string, unknown>,
  line?: SystemLineCode,
): Promise<string> {
  const stored = line ? { ...extra, line } : extra
  const id = ctx.newId('m_')
  const now = ctx.clock.now()
  const seq = await ctx.store.messages.insertMessage({
    id,
    conversationId,
    direction: 'system',
    kind: 'system',
    body: text,
    status: 'received',
    createdAt: now,
    ...(stored ? { extra: stored } : {}),
  })
  await ctx.store.conversations.touchConversation(conversationId, seq, now)
  ctx.changes.message(id, conversationId)
  return id
}
