import { type EngineText, engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Conversation } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { notAParticipant, requireOpen } from './access'
import { cancelWaiting } from './cancel-waiting'
import { addSystemLine, type SystemLineCode } from './system-lines'
import { loadConversation } from './views'

/**
 * Several office users with one WhatsApp user. Every operation runs in one transaction and
 * re-checks who is in the conversation inside it, so two people acting at once end in one
 * consistent result and the later one gets a clear conflict. Each change is a system line in the
 * thread and a row in the audit log.
 */

async function nameOf(ctx: EngineContext, userId: string): Promise<string> {
  return (await ctx.store.orgUsers.getOrgUser(userId))?.name ?? userId
}

async function requireColleague(ctx: EngineContext, userId: string): Promise<void> {
  if (!(await ctx.store.orgUsers.getOrgUser(userId))) throw new ApiFailure('not_found', engineText('user.colleagueNotFound'))
}

/**
 * Runs a group operation on conversation `id` in one transaction that holds the conversation
 * first (several server instances run one operation on a thread at a time); `work` gets the
 * context whose store is that transaction (its reads see its own writes, nothing of it outlives a throw).
 */
function holdingConversation<T>(ctx: EngineContext, id: string, work: (tx: EngineContext) => Promise<T>): Promise<T> {
  return inTransaction(ctx, async (tx) => {
    await tx.store.conversations.lockConversation(id)
    return work(tx)
  })
}

/**
 * The actor must be a current participant of an open conversation. Someone who was in it a moment
 * ago (a transfer or leave from another window won the race) is told so with a conflict; someone
 * never in it, or removed, gets forbidden. Call inside the operation's transaction.
 */
async function requireActor(ctx: EngineContext, id: string, actorId: string, notDone: EngineText) {
  const conversation = await ctx.store.conversations.conversationBasics(id)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (!(await ctx.store.conversations.isParticipant(id, actorId))) {
    if (!(await ctx.store.conversations.wasParticipant(id, actorId))) throw await notAParticipant(ctx, id, actorId)
    requireOpen(conversation)
    throw new ApiFailure('conflict', notDone)
  }
  requireOpen(conversation)
  return conversation
}

async function view(ctx: EngineContext, id: string, userId: string): Promise<Conversation> {
  return (await loadConversation(ctx.store, id, userId, ctx.clock.now()))!
}

export async function addColleague(ctx: EngineContext, actorId: string, id: string, userId: string): Promise<Conversation> {
  await holdingConversation(ctx, id, async (ctx) => {
    const user = await nameOf(ctx, userId)
    await requireActor(ctx, id, actorId, engineText('conversation.changedNotAdded', { user }))
    await requireColleague(ctx, userId)
    if (!(await ctx.store.conversations.addParticipant(id, userId, ctx.clock.now()))) {
      throw new ApiFailure('conflict', engineText('conversation.alreadyIn', { user }))
    }
    const actor = await nameOf(ctx, actorId)
    await addSystemLine(
      ctx,
      id,
      `${actor} added ${user}`,
      { participant: 'added', userId },
      { code: 'participantAdded', params: { actor, user } },
    )
    await ctx.store.ledger.appendAudit({
      at: ctx.clock.now(),
      actorId,
      action: 'participant.added',
      conversationId: id,
      detail: { userId },
    })
  })
  ctx.changes.conversation(id)
  return view(ctx, id, actorId)
}

export async function removeColleague(ctx: EngineContext, actorId: string, id: string, userId: string): Promise<Conversation> {
  if (userId === actorId) {
    await leave(ctx, actorId, id)
    return view(ctx, id, actorId)
  }
  await holdingConversation(ctx, id, async (ctx) => {
    const user = await nameOf(ctx, userId)
    await requireActor(ctx, id, actorId, engineText('conversation.changedNotRemoved', { user }))
    const now = ctx.clock.now()
    if (!(await ctx.store.conversations.removeParticipant(id, userId, now))) {
      throw new ApiFailure('conflict', engineText('conversation.notIn', { user }))
    }
    const actor = await nameOf(ctx, actorId)
    await addSystemLine(
      ctx,
      id,
      `${actor} removed ${user}`,
      { participant: 'removed', userId },
      { code: 'participantRemoved', params: { actor, user } },
    )
    await ctx.store.ledger.appendAudit({ at: now, actorId, action: 'participant.removed', conversationId: id, detail: { userId } })
  })
  ctx.changes.removed(id, userId)
  ctx.changes.conversation(id)
  return view(ctx, id, actorId)
}

export async function leave(ctx: EngineContext, actorId: string, id: string): Promise<void> {
  await holdingConversation(ctx, id, async (ctx) => {
    await requireActor(ctx, id, actorId, engineText('conversation.changedNotLeft'))
    const actor = await nameOf(ctx, actorId)
    await departAndMaybeEnd(
      ctx,
      actorId,
      id,
      `${actor} left the conversation`,
      'participant.left',
      {},
      { code: 'participantLeft', params: { actor } },
    )
  })
  ctx.changes.removed(id, actorId)
  ctx.changes.conversation(id)
}

export async function transfer(ctx: EngineContext, actorId: string, id: string, toUserId: string, note?: string): Promise<void> {
  await holdingConversation(ctx, id, async (ctx) => {
    await requireActor(ctx, id, actorId, engineText('conversation.changedNotTransferred'))
    await requireColleague(ctx, toUserId)
    if (toUserId === actorId) throw new ApiFailure('invalid', engineText('conversation.transferToSelf'))
    // Handing over to a colleague already in the thread is fine (you leave, they carry on with your
    // note); one who just received it by someone else's transfer means that transfer won the race.
    const now = ctx.clock.now()
    const to = await nameOf(ctx, toUserId)
    if (!(await ctx.store.conversations.addParticipant(id, toUserId, now))) {
      const by = await ctx.store.conversations.transferredToBy(id, toUserId)
      if (by) {
        throw new ApiFailure('conflict', engineText('conversation.transferRaced', { by: await nameOf(ctx, by), to }))
      }
    }
    const trimmed = note?.trim()
    const actor = await nameOf(ctx, actorId)
    const line = `${actor} transferred the conversation to ${to}${trimmed ? `: ${trimmed}` : ''}`
    const params = { actor, to, ...(trimmed ? { note: trimmed } : {}) }
    await departAndMaybeEnd(
      ctx,
      actorId,
      id,
      line,
      'conversation.transferred',
      { toUserId, ...(trimmed ? { note: trimmed } : {}) },
      {
        code: trimmed ? 'transferredWithNote' : 'transferred',
        params,
      },
    )
  })
  ctx.changes.removed(id, actorId)
  ctx.changes.conversation(id)
}

/**
 * An administrator hands a deactivated colleague's place in a conversation to someone else, so
 * the WhatsApp user is not left writing to nobody. The thread says who did it; the audit names the
 * administrator as the actor.
 */
export async function handOver(
  ctx: EngineContext,
  adminId: string,
  id: string,
  fromUserId: string,
  toUserId: string,
  note?: string,
): Promise<void> {
  await holdingConversation(ctx, id, async (ctx) => {
    await requireActor(ctx, id, fromUserId, engineText('conversation.changedNotHandedOver'))
    await requireColleague(ctx, toUserId)
    if (toUserId === fromUserId) throw new ApiFailure('invalid', engineText('conversation.handOverToSame'))
    const now = ctx.clock.now()
    await ctx.store.conversations.addParticipant(id, toUserId, now)
    await ctx.store.conversations.removeParticipant(id, fromUserId, now)
    const trimmed = note?.trim()
    const from = (await ctx.store.orgUsers.orgUserName(fromUserId)) ?? fromUserId
    const admin = await nameOf(ctx, adminId)
    const to = await nameOf(ctx, toUserId)
    await addSystemLine(
      ctx,
      id,
      `${admin} handed ${from}'s place in the conversation to ${to}${trimmed ? `: ${trimmed}` : ''}`,
      {
        participant: 'conversation.handed_over',
        userId: fromUserId,
      },
      {
        code: trimmed ? 'handedOverWithNote' : 'handedOver',
        params: { admin, from, to, ...(trimmed ? { note: trimmed } : {}) },
      },
    )
    await ctx.store.ledger.appendAudit({
      at: now,
      actorId: adminId,
      action: 'conversation.handed_over',
      conversationId: id,
      detail: { fromUserId, toUserId, ...(trimmed ? { note: trimmed } : {}) },
    })
  })
  ctx.changes.removed(id, fromUserId)
  ctx.changes.conversation(id)
}

async function departAndMaybeEnd(
  ctx: EngineContext,
  actorId: string,
  id: string,
  line: string,
  action: string,
  detail: Record<string, unknown>,
  code: SystemLineCode,
): Promise<void> {
  const now = ctx.clock.now()
  await ctx.store.conversations.removeParticipant(id, actorId, now)
  await addSystemLine(ctx, id, line, { participant: action, userId: actorId }, code)
  await ctx.store.ledger.appendAudit({ at: now, actorId, action, conversationId: id, detail })
  if ((await ctx.store.conversations.listParticipants(id)).length === 0) {
    await ctx.store.conversations.endConversation(id, now)
    await cancelWaiting(ctx, id, now)
    await addSystemLine(ctx, id, 'The conversation ended', { ended: true }, { code: 'conversationEnded' })
    await ctx.store.ledger.appendAudit({ at: now, actorId, action: 'conversation.ended', conversationId: id, detail: {} })
  }
}

/**
 * Opens a new thread with the same WhatsApp user (same consent, which belongs to the user) for a
 * current or former participant of an ended conversation; the old one stays read-only in history.
 */
export async function restart(ctx: EngineContext, actorId: string, id: string): Promise<Conversation> {
  const newId = ctx.newId('v_')
  const existing = await holdingConversation(ctx, id, async (ctx): Promise<string | undefined> => {
    const conversation = await ctx.store.conversations.conversationBasics(id)
    if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
    if (!(await ctx.store.conversations.wasParticipant(id, actorId))) throw await notAParticipant(ctx, id, actorId)
    if (conversation.endedAt === null) throw new ApiFailure('conflict', engineText('conversation.stillGoing'))
    // Restarted already (by a colleague at the same moment, or the contact wrote again): one thread, not two.
    const continuation = await ctx.store.conversations.openContinuationOf(id)
    if (continuation) {
      if (await ctx.store.conversations.isParticipant(continuation, actorId)) return continuation
      throw new ApiFailure('conflict', engineText('conversation.alreadyRestarted'), {
        conversationId: continuation,
      })
    }
    const now = ctx.clock.now()
    await ctx.store.conversations.insertConversation({
      id: newId,
      contactId: conversation.contactId,
      channel: conversation.channel,
      now,
      restartedFrom: id,
    })
    await ctx.store.conversations.addParticipant(newId, actorId, now)
    const actor = await nameOf(ctx, actorId)
    await addSystemLine(ctx, newId, `${actor} restarted the conversation`, { restartedFrom: id }, { code: 'restarted', params: { actor } })
    await ctx.store.ledger.appendAudit({
      at: now,
      actorId,
      action: 'conversation.restarted',
      conversationId: newId,
      detail: { restartedFrom: id },
    })
    return undefined
  })
  if (existing) return view(ctx, existing, actorId)
  ctx.changes.conversation(newId)
  return view(ctx, newId, actorId)
}
