import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Channel } from '../../shared/domain'
import type { EngineContext } from '../context'

type ConversationBasics = { id: string; contactId: string; channel: Channel; endedAt: number | null }

/**
 * Only current participants may read or act on a conversation; enforced on every request.
 * @throws ApiFailure not_found (no such conversation), forbidden (not a participant, or removed),
 *   conflict (a former participant acting on a thread that has ended: it is read-only)
 */
export async function requireParticipant(ctx: EngineContext, conversationId: string, userId: string): Promise<ConversationBasics> {
  const conversation = await ctx.store.conversations.conversationBasics(conversationId)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (!(await ctx.store.conversations.isParticipant(conversationId, userId))) {
    // Someone who took part in a thread that has since ended may still read it; acting on it is refused for that reason.
    if (conversation.endedAt !== null && (await ctx.store.conversations.wasParticipant(conversationId, userId))) requireOpen(conversation)
    throw await notAParticipant(ctx, conversationId, userId)
  }
  return conversation
}

/** Why a non-participant is refused: removed by someone, or never (or no longer) in it. */
export async function notAParticipant(ctx: EngineContext, conversationId: string, userId: string): Promise<ApiFailure> {
  const removed = await ctx.store.conversations.wasRemoved(conversationId, userId)
  return new ApiFailure('forbidden', engineText(removed ? 'conversation.removed' : 'conversation.notParticipant'))
}

export function requireOpen(conversation: { endedAt: number | null }): void {
  if (conversation.endedAt !== null) {
    throw new ApiFailure('conflict', engineText('conversation.ended'))
  }
}

/**
 * Reading is for current participants; an ended thread stays readable (read-only) in the history
 * of everyone who took part in it, except those who were removed from it.
 */
export async function requireReader(ctx: EngineContext, conversationId: string, userId: string): Promise<ConversationBasics> {
  const conversation = await ctx.store.conversations.conversationBasics(conversationId)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (await ctx.store.conversations.canRead(conversationId, userId)) return conversation
  throw await notAParticipant(ctx, conversationId, userId)
}
