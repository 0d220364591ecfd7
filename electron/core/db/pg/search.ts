import type { PgQueryable } from './pool'
import { readableConversationIds } from './repositories/readable'

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

const READABLE_CONVERSATIONS = readableConversationIds('$1')

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
  // The readable conversations first, as a list the planner can count (as a subquery it guessed
  // one conversation and read every message of each); then either the GIN index (rare words) or
  // the messages newest first until `limit` hits (common words), whichever is cheaper.
  const readable = (await db.query<{ conversation_id: string }>(READABLE_CONVERSATIONS, [userId])).rows.map((r) => r.conversation_id)
  if (readable.length === 0) return []
  const result = await db.query<PgSearchHit>(
    `WITH hits AS (
       SELECT m.seq, m.id, m.conversation_id, m.body FROM messages m
       WHERE m.search_vector @@ to_tsquery('greenline_search', $1)
         AND m.conversation_id = ANY($2::text[])
         ${beforeSeq === undefined ? '' : 'AND m.seq < $4'}
       ORDER BY m.seq DESC LIMIT $3)
     SELECT hits.*, ts_headline('greenline_search', hits.body, to_tsquery('greenline_search', $1),
       'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=12, MinWords=4, MaxFragments=1, FragmentDelimiter=…') AS snippet
     FROM hits ORDER BY hits.seq DESC`,
    beforeSeq === undefined ? [query, readable, limit] : [query, readable, limit, beforeSeq],
  )
  return result.rows
}
