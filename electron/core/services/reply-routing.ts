import type { Channel, Conversation } from '../../shared/domain'
import type { ReplyCandidate } from '../db/repositories/reply-threads'
import type { Store } from '../db/store'

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
export async function replyThreadId(store: Store, contactId: string, channel: Channel): Promise<string | undefined> {
  return pickReplyThread(await store.replyThreads.replyCandidates(contactId, channel))?.id
}

/**
 * Marks each open thread that will not receive the contact's replies with where they go instead
 * (`repliesGoTo`), so a thread is never silently deaf. Mutates and returns `conversations`.
 */
export async function markReplyRouting(store: Store, conversations: Conversation[]): Promise<Conversation[]> {
  const open = conversations.filter((c) => c.endedAt === undefined && c.channel !== 'voicemail')
  const candidates = await store.replyThreads.sharedReplyCandidates(open.map((c) => c.contactId))
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
  const names = await store.conversations.currentParticipantsOf(targets)
  for (const conversation of open) {
    const target = chosen.get(`${conversation.contactId}\u0000${conversation.channel}`)
    if (!target || target === conversation.id) continue
    conversation.repliesGoTo = { conversationId: target, participantNames: (names.get(target) ?? []).map((p) => p.name) }
  }
  return conversations
}
