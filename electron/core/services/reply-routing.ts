import type { Channel, Conversation } from '../../shared/domain'
import { currentParticipantsOf } from '../db/repositories/conversations'
import { replyCandidates, sharedReplyCandidates, type ReplyCandidate } from '../db/repositories/reply-threads'
import type { Db } from '../db/open'

/**
 * The routing rule for a contact's replies when they have several open threads on a channel (see
 * README "Where replies land"): the thread the office's last outbound message went from, because
 * that is who the person is answering; when no thread has written yet, the most recently active
 * one. An open thread always has participants (the last one leaving ends it), so the chosen
 * thread is always read by someone.
 */
export function pickReplyThread(candidates: readonly ReplyCandidate[]): ReplyCandidate | undefined {
  let best: ReplyCandidate | undefined
  for (const c of candidates) {
    if (!best) best = c
    else if ((c.lastOutboundSeq ?? -1) !== (best.lastOutboundSeq ?? -1)) {
      if ((c.lastOutboundSeq ?? -1) > (best.lastOutboundSeq ?? -1)) best = c
    } else if (c.lastActivityAt !== best.lastActivityAt) {
      if (c.lastActivityAt > best.lastActivityAt) best = c
    } else if (c.createdAt > best.createdAt) best = c
  }
  return best
}

/** The open thread a contact's next inbound message on `channel` lands in, if any is open. */
export function replyThreadId(db: Db, contactId: string, channel: Channel): string | undefined {
  return pickReplyThread(replyCandidates(db, contactId, channel))?.id
}

/**
 * Marks each open thread that will not receive the contact's replies with where they go instead
 * (`repliesGoTo`), so a thread is never silently deaf. Mutates and returns `conversations`.
 */
export function markReplyRouting(db: Db, conversations: Conversation[]): Conversation[] {
  const open = conversations.filter((c) => c.endedAt === undefined && c.channel !== 'voicemail')
  const candidates = sharedReplyCandidates(
    db,
    open.map((c) => c.contactId),
  )
  if (candidates.length === 0) return conversations
  const groups = new Map<string, ReplyCandidate[]>()
  for (const c of candidates) {
    const key = `${c.contactId}\u0000${c.channel}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  const chosen = new Map<string, string>()
  for (const [key, list] of groups) {
    const pick = pickReplyThread(list)
    if (pick) chosen.set(key, pick.id)
  }
  const targets = [...new Set(chosen.values())]
  const names = currentParticipantsOf(db, targets)
  for (const conversation of open) {
    const target = chosen.get(`${conversation.contactId}\u0000${conversation.channel}`)
    if (!target || target === conversation.id) continue
    conversation.repliesGoTo = { conversationId: target, participantNames: (names.get(target) ?? []).map((p) => p.name) }
  }
  return conversations
}
