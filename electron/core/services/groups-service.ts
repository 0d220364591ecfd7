import { type EngineText, engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Conversation } from '../../shared/domain'
import type { EngineContext } from '../context'
import {
  addParticipant,
  conversationBasics,
  endConversation,
  insertConversation,
  isParticipant,
  listParticipants,
  openContinuationOf,
  removeParticipant,
  transferredToBy,
  wasParticipant,
} from '../db/repositories/conversations'
import { appendAudit } from '../db/repositories/ledger'
import { getOrgUser, orgUserName } from '../db/repositories/org-users'
import { notAParticipant, requireOpen } from './access'
import { cancelWaiting } from './cancel-waiting'
import { addSystemLine, type SystemLineCode } from './system-lines'
import { conversationFor } from './views'

/**
 * Several office users with one WhatsApp user. Every operation runs in one SQLite transaction and
 * re-checks who is in the conversation inside it, so two people acting at once end in one
 * consistent result and the later one gets a clear conflict. Each change is a system line in the
 * thread and a row in the audit log.
 */

function nameOf(ctx: EngineContext, userId: string): string {
  return getOrgUser(ctx.db, userId)?.name ?? userId
}

function requireColleague(ctx: EngineContext, userId: string): void {
  if (!getOrgUser(ctx.db, userId)) throw new ApiFailure('not_found', engineText('user.colleagueNotFound'))
}

/**
 * The actor must be a current participant of an open conversation. Someone who was in it a moment
 * ago (a transfer or leave from another window won the race) is told so with a conflict; someone
 * never in it, or removed, gets forbidden. Call inside the operation's transaction.
 */
function requireActor(ctx: EngineContext, id: string, actorId: string, notDone: EngineText) {
  const conversation = conversationBasics(ctx.db, id)
  if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
  if (!isParticipant(ctx.db, id, actorId)) {
    if (!wasParticipant(ctx.db, id, actorId)) throw notAParticipant(ctx, id, actorId)
    requireOpen(conversation)
    throw new ApiFailure('conflict', notDone)
  }
  requireOpen(conversation)
  return conversation
}

function view(ctx: EngineContext, id: string, userId: string): Conversation {
  return conversationFor(ctx.db, id, userId, ctx.clock.now())!
}

export function addColleague(ctx: EngineContext, actorId: string, id: string, userId: string): Conversation {
  ctx.db.transaction(() => {
    requireActor(ctx, id, actorId, engineText('conversation.changedNotAdded', { user: nameOf(ctx, userId) }))
    requireColleague(ctx, userId)
    if (!addParticipant(ctx.db, id, userId, ctx.clock.now())) {
      throw new ApiFailure('conflict', engineText('conversation.alreadyIn', { user: nameOf(ctx, userId) }))
    }
    addSystemLine(
      ctx,
      id,
      `${nameOf(ctx, actorId)} added ${nameOf(ctx, userId)}`,
      { participant: 'added', userId },
      {
        code: 'participantAdded',
        params: { actor: nameOf(ctx, actorId), user: nameOf(ctx, userId) },
      },
    )
    appendAudit(ctx.db, { at: ctx.clock.now(), actorId, action: 'participant.added', conversationId: id, detail: { userId } })
  })()
  ctx.changes.conversation(id)
  return view(ctx, id, actorId)
}

export function removeColleague(ctx: EngineContext, actorId: string, id: string, userId: string): Conversation {
  if (userId === actorId) {
    leave(ctx, actorId, id)
    return view(ctx, id, actorId)
  }
  ctx.db.transaction(() => {
    requireActor(ctx, id, actorId, engineText('conversation.changedNotRemoved', { user: nameOf(ctx, userId) }))
    const now = ctx.clock.now()
    if (!removeParticipant(ctx.db, id, userId, now)) {
      throw new ApiFailure('conflict', engineText('conversation.notIn', { user: nameOf(ctx, userId) }))
    }
    addSystemLine(
      ctx,
      id,
      `${nameOf(ctx, actorId)} removed ${nameOf(ctx, userId)}`,
      { participant: 'removed', userId },
      {
        code: 'participantRemoved',
        params: { actor: nameOf(ctx, actorId), user: nameOf(ctx, userId) },
      },
    )
    appendAudit(ctx.db, { at: now, actorId, action: 'participant.removed', conversationId: id, detail: { userId } })
  })()
  ctx.changes.removed(id, userId)
  ctx.changes.conversation(id)
  return view(ctx, id, actorId)
}

export function leave(ctx: EngineContext, actorId: string, id: string): void {
  ctx.db.transaction(() => {
    requireActor(ctx, id, actorId, engineText('conversation.changedNotLeft'))
    departAndMaybeEnd(
      ctx,
      actorId,
      id,
      `${nameOf(ctx, actorId)} left the conversation`,
      'participant.left',
      {},
      {
        code: 'participantLeft',
        params: { actor: nameOf(ctx, actorId) },
      },
    )
  })()
  ctx.changes.removed(id, actorId)
  ctx.changes.conversation(id)
}

export function transfer(ctx: EngineContext, actorId: string, id: string, toUserId: string, note?: string): void {
  ctx.db.transaction(() => {
    requireActor(ctx, id, actorId, engineText('conversation.changedNotTransferred'))
    requireColleague(ctx, toUserId)
    if (toUserId === actorId) throw new ApiFailure('invalid', engineText('conversation.transferToSelf'))
    // Handing over to a colleague already in the thread is fine (you leave, they carry on with your
    // note); one who just received it by someone else's transfer means that transfer won the race.
    const now = ctx.clock.now()
    if (!addParticipant(ctx.db, id, toUserId, now)) {
      const by = transferredToBy(ctx.db, id, toUserId)
      if (by) {
        throw new ApiFailure('conflict', engineText('conversation.transferRaced', { by: nameOf(ctx, by), to: nameOf(ctx, toUserId) }))
      }
    }
    const trimmed = note?.trim()
    const line = `${nameOf(ctx, actorId)} transferred the conversation to ${nameOf(ctx, toUserId)}${trimmed ? `: ${trimmed}` : ''}`
    const params = { actor: nameOf(ctx, actorId), to: nameOf(ctx, toUserId), ...(trimmed ? { note: trimmed } : {}) }
    departAndMaybeEnd(
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
  })()
  ctx.changes.removed(id, actorId)
  ctx.changes.conversation(id)
}

/**
 * An administrator hands a deactivated colleague's place in a conversation to someone else, so
 * the WhatsApp user is not left writing to nobody. The thread says who did it; the audit names the
 * administrator as the actor.
 */
export function handOver(ctx: EngineContext, adminId: string, id: string, fromUserId: string, toUserId: string, note?: string): void {
  ctx.db.transaction(() => {
    requireActor(ctx, id, fromUserId, engineText('conversation.changedNotHandedOver'))
    requireColleague(ctx, toUserId)
    if (toUserId === fromUserId) throw new ApiFailure('invalid', engineText('conversation.handOverToSame'))
    const now = ctx.clock.now()
    addParticipant(ctx.db, id, toUserId, now)
    removeParticipant(ctx.db, id, fromUserId, now)
    const trimmed = note?.trim()
    const from = orgUserName(ctx.db, fromUserId) ?? fromUserId
    addSystemLine(
      ctx,
      id,
      `${nameOf(ctx, adminId)} handed ${from}'s place in the conversation to ${nameOf(ctx, toUserId)}${trimmed ? `: ${trimmed}` : ''}`,
      {
        participant: 'conversation.handed_over',
        userId: fromUserId,
      },
      {
        code: trimmed ? 'handedOverWithNote' : 'handedOver',
        params: { admin: nameOf(ctx, adminId), from, to: nameOf(ctx, toUserId), ...(trimmed ? { note: trimmed } : {}) },
      },
    )
    appendAudit(ctx.db, {
      at: now,
      actorId: adminId,
      action: 'conversation.handed_over',
      conversationId: id,
      detail: { fromUserId, toUserId, ...(trimmed ? { note: trimmed } : {}) },
    })
  })()
  ctx.changes.removed(id, fromUserId)
  ctx.changes.conversation(id)
}

function departAndMaybeEnd(
  ctx: EngineContext,
  actorId: string,
  id: string,
  line: string,
  action: string,
  detail: Record<string, unknown>,
  code: SystemLineCode,
): void {
  const now = ctx.clock.now()
  removeParticipant(ctx.db, id, actorId, now)
  addSystemLine(ctx, id, line, { participant: action, userId: actorId }, code)
  appendAudit(ctx.db, { at: now, actorId, action, conversationId: id, detail })
  if (listParticipants(ctx.db, id).length === 0) {
    endConversation(ctx.db, id, now)
    cancelWaiting(ctx, id, now)
    addSystemLine(ctx, id, 'The conversation ended', { ended: true }, { code: 'conversationEnded' })
    appendAudit(ctx.db, { at: now, actorId, action: 'conversation.ended', conversationId: id, detail: {} })
  }
}

/**
 * Opens a new thread with the same WhatsApp user (same consent, which belongs to the user) for a
 * current or former participant of an ended conversation; the old one stays read-only in history.
 */
export function restart(ctx: EngineContext, actorId: string, id: string): Conversation {
  const newId = ctx.newId('v_')
  const existing = ctx.db.transaction((): string | undefined => {
    const conversation = conversationBasics(ctx.db, id)
    if (!conversation) throw new ApiFailure('not_found', engineText('conversation.notFound'))
    if (!wasParticipant(ctx.db, id, actorId)) throw notAParticipant(ctx, id, actorId)
    if (conversation.endedAt === null) throw new ApiFailure('conflict', engineText('conversation.stillGoing'))
    // Restarted already (by a colleague at the same moment, or the contact wrote again): one thread, not two.
    const continuation = openContinuationOf(ctx.db, id)
    if (continuation) {
      if (isParticipant(ctx.db, continuation, actorId)) return continuation
      throw new ApiFailure('conflict', engineText('conversation.alreadyRestarted'), {
        conversationId: continuation,
      })
    }
    const now = ctx.clock.now()
    insertConversation(ctx.db, { id: newId, contactId: conversation.contactId, channel: conversation.channel, now, restartedFrom: id })
    addParticipant(ctx.db, newId, actorId, now)
    addSystemLine(
      ctx,
      newId,
      `${nameOf(ctx, actorId)} restarted the conversation`,
      { restartedFrom: id },
      {
        code: 'restarted',
        params: { actor: nameOf(ctx, actorId) },
      },
    )
    appendAudit(ctx.db, { at: now, actorId, action: 'conversation.restarted', conversationId: newId, detail: { restartedFrom: id } })
    return undefined
  })()
  if (existing) return view(ctx, existing, actorId)
  ctx.changes.conversation(newId)
  return view(ctx, newId, actorId)
}
