import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Channel } from '../../shared/domain'
import type { EngineContext } from '../context'
import { canRead, conversationBasics, isParticipant, wasParticipant, wasRemoved } from '../db/repositories/conversations'

/**
 * Only current participants may read or act on a conversation; enforced on every request.
 * @throws ApiFailure not_found (no such conversation), forbidden (not a participant, or removed),
 *   conflict (a former participant acting on a thread that has ended: it is read-only)
 */
export function requireParticipant(
  ctx: EngineContext,
  conversationId: string,
  userId: string,
): { id: string; contactId: string; channel: Channel; endedAt: number | null } {
  const conversation = conversationBasics(ctx.db, conversationId)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (!isParticipant(ctx.db, conversationId, userId)) {
    // Someone who took part in a thread that has since ended may still read it; acting on it is refused for that reason.
    if (conversation.endedAt !== null && wasParticipant(ctx.db, conversationId, userId)) requireOpen(conversation)
    throw notAParticipant(ctx, conversationId, userId)
  }
  return conversation
}

/**
 * `requireParticipant` through the async store, for services converted off `ctx.db` (issue 15);
 * the same rule, kept beside it until every caller is converted.
 */
export async function requireParticipantAsync(
  ctx: EngineContext,
  conversationId: string,
  userId: string,
): Promise<{ id: string; contactId: string; channel: Channel; endedAt: number | null }> {
  const conversation = await ctx.store.conversations.conversationBasics(conversationId)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (!(await ctx.store.conversations.isParticipant(conversationId, userId))) {
    if (conversation.endedAt !== null && (await ctx.store.conversations.wasParticipant(conversationId, userId))) requireOpen(conversation)
    throw refusal(await ctx.store.conversations.wasRemoved(conversationId, userId))
  }
  return conversation
}

export function notAParticipant(ctx: EngineContext, conversationId: string, userId: string): ApiFailure {
  return refusal(wasRemoved(ctx.db, conversationId, userId))
}

/** Why a non-participant is refused: removed by someone, or never (or no longer) in it. */
const refusal = (removed: boolean) =>
  new ApiFailure('forbidden', engineText(removed ? 'conversation.removed' : 'conversation.notParticipant'))

export function requireOpen(conversation: { endedAt: number | null }): void {
  if (conversation.endedAt !== null) {
    throw new ApiFailure('conflict', engineText('conversation.ended'))
  }
}

/**
 * Reading is for current participants; an ended thread stays readable (read-only) in the history
 * of everyone who took part in it, except those who were removed from it.
 */
export function requireReader(ctx: EngineContext, conversationId: string, userId: string) {
  const conversation = conversationBasics(ctx.db, conversationId)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (canRead(ctx.db, conversationId, userId)) return conversation
  throw notAParticipant(ctx, conversationId, userId)
}
