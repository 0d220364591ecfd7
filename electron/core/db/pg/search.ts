import type { PgQueryable } from './pool'

/**
 * The text a message is searched by; must stay exactly the expression of the `messages_search`
 * index (PostgreSQL 0010), or the planner scans every message instead.
 */
const DOCUMENT = `to_tsvector('greenline_search', coalesce(m.body, ''))`

/**
 * A user's search words as a `to_tsquery` text: every word must occur, the last one as a prefix
 * (the user may still be typing it), as on SQLite. Words are cut at anything that is not a letter
 * or a digit, which is also how both engines tokenize, so nothing of the input can be a tsquery
 * operator. Undefined when no word is left.
 */
export function messageSearchQuery(text: string): string | undefined {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '')
  if (words.length === 0) return undefined
  return words.map((word, i) => (i === words.length - 1 ? `${word}:*` : word)).join(' & ')
}

// The conversation-reading rule of repositories/conversations.ts `readableBy`, in PostgreSQL:
// current participants, and, once ended, everyone who took part and was not removed.
const LATEST = `p.seq = (SELECT max(q.seq) FROM participants q WHERE q.conversation_id = p.conversation_id AND q.user_id = p.user_id)`
const REMOVED = `(SELECT a.action FROM audit_log a WHERE a.conversation_id = p.conversation_id
    AND ((a.action = 'participant.removed' AND a.detail::jsonb ->> 'userId' = p.user_id)
      OR (a.action IN ('participant.left', 'conversation.transferred') AND a.actor_id = p.user_id))
    ORDER BY a.seq DESC LIMIT 1) IS NOT DISTINCT FROM 'participant.removed'`
const READABLE = `EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $2 AND ${LATEST}
    AND (p.left_at IS NULL OR (c.ended_at IS NOT NULL AND NOT ${REMOVED})))`

export interface PgSearchHit {
  seq: number
  id: string
  conversation_id: string
  body: string
  /** The body around the match, matches between \u0002 and \u0003 (never HTML), as on SQLite. */
  snippet: string
}

/**
 * Full-text search over the messages `userId` may read, newest first (no ranking, like SQLite:
 * ranking costs O(matches)), `limit` hits after the message `beforeSeq` when given.
 */
export async function searchMessages(
  db: PgQueryable,
  userId: string,
  text: string,
  limit: number,
  beforeSeq?: number,
): Promise<PgSearchHit[]> {
  const query = messageSearchQuery(text)
  if (query === undefined) return []
  const result = await db.query<PgSearchHit>(
    `WITH hits AS (
       SELECT m.seq, m.id, m.conversation_id, m.body FROM messages m
       JOIN conversations c ON c.id = m.conversation_id
       WHERE ${DOCUMENT} @@ to_tsquery('greenline_search', $1) AND ${READABLE}
         AND ($4::bigint IS NULL OR m.seq < $4)
       ORDER BY m.seq DESC LIMIT $3)
     SELECT hits.*, ts_headline('greenline_search', hits.body, to_tsquery('greenline_search', $1),
       'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=12, MinWords=4, MaxFragments=1, FragmentDelimiter=…') AS snippet
     FROM hits ORDER BY hits.seq DESC`,
    [query, userId, limit, beforeSeq ?? null],
  )
  return result.rows
}
