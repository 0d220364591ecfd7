import type { Channel } from '../../../../shared/domain'
import type { ReplyCandidate } from '../../repositories/reply-threads'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/reply-threads.ts: same functions, same results.
// The camelCase aliases are quoted: PostgreSQL folds unquoted names to lower case, SQLite keeps them.
const CANDIDATES = `
  SELECT c.id, c.contact_id AS "contactId", c.channel, c.last_activity_at AS "lastActivityAt", c.created_at AS "createdAt",
         (SELECT max(m.seq) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'out') AS "lastOutboundSeq"
  FROM conversations c`

/** The open threads with one contact on one channel. */
export async function replyCandidates(db: PgQueryable, contactId: string, channel: Channel): Promise<ReplyCandidate[]> {
  const { rows } = await db.query<ReplyCandidate>(`${CANDIDATES} WHERE c.contact_id = $1 AND c.channel = $2 AND c.ended_at IS NULL`, [
    contactId,
    channel,
  ])
  return rows
}

/** Open threads of the given contacts having more than one open thread on a channel. SQLite's json_each(?) is = ANY($1). */
export async function sharedReplyCandidates(db: PgQueryable, contactIds: readonly string[]): Promise<ReplyCandidate[]> {
  if (contactIds.length === 0) return []
  const { rows } = await db.query<ReplyCandidate>(
    `${CANDIDATES}
     WHERE c.ended_at IS NULL AND (c.contact_id, c.channel) IN (
       SELECT contact_id, channel FROM conversations
       WHERE contact_id = ANY($1::text[]) AND ended_at IS NULL
       GROUP BY contact_id, channel HAVING count(*) > 1)`,
    [[...new Set(contactIds)]],
  )
  return rows
}
