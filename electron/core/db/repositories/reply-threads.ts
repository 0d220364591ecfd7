import type { Channel } from '../../../shared/domain'
import type { Db } from '../open'
import { statements } from '../statements'

/** An open thread with a contact, with what decides whether the contact's replies land in it. */
export interface ReplyCandidate {
  id: string
  contactId: string
  channel: Channel
  /** The seq of the newest message written from this thread by the office (held ones count). */
  lastOutboundSeq: number | null
  lastActivityAt: number
  createdAt: number
}

const CANDIDATES = `
  SELECT c.id, c.contact_id AS contactId, c.channel, c.last_activity_at AS lastActivityAt, c.created_at AS createdAt,
         (SELECT max(m.seq) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS lastOutboundSeq
  FROM conversations c`

/** The open threads with one contact on one channel. */
export function replyCandidates(db: Db, contactId: string, channel: Channel): ReplyCandidate[] {
  return statements(db)
    .prepare(`${CANDIDATES} WHERE c.contact_id = ? AND c.channel = ? AND c.ended_at IS NULL`)
    .all(contactId, channel) as ReplyCandidate[]
}

/**
 * The open threads of the given contacts, only for contacts with more than one open thread on a
 * channel (everyone else has nothing to choose between).
 */
export function sharedReplyCandidates(db: Db, contactIds: readonly string[]): ReplyCandidate[] {
  if (contactIds.length === 0) return []
  return statements(db)
    .prepare(
      `${CANDIDATES}
       WHERE c.ended_at IS NULL AND (c.contact_id, c.channel) IN (
         SELECT contact_id, channel FROM conversations
         WHERE contact_id IN (SELECT value FROM json_each(?)) AND ended_at IS NULL
         GROUP BY contact_id, channel HAVING count(*) > 1)`,
    )
    .all(JSON.stringify([...new Set(contactIds)])) as ReplyCandidate[]
}
