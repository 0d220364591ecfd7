/**
 * The conversation-reading rule of ../../repositories/conversations.ts `readableBy`, in
 * PostgreSQL, as the set of conversation ids user `$<n>` may read: current participants, and,
 * once ended, everyone who took part and was not removed. Taken from the user's participant rows
 * (their latest per conversation, DISTINCT ON over the user's index), so it costs O(the user's
 * conversations), not O(all): a correlated max(seq) per row had no index to use and cost ~110 ms
 * for a user in 1,000 conversations.
 */
export function readableConversationIds(userParam: string): string {
  return `SELECT p.conversation_id FROM (${latestParticipantRowsOf(userParam)}) p
    JOIN conversations c ON c.id = p.conversation_id
    WHERE p.left_at IS NULL OR (c.ended_at IS NOT NULL AND NOT ${REMOVED})`
}

/** Each of the user's newest participant rows, one per conversation (a user removed and added again has several). */
export function latestParticipantRowsOf(userParam: string): string {
  return `SELECT DISTINCT ON (conversation_id) seq, conversation_id, user_id, joined_at, left_at FROM participants
      WHERE user_id = ${userParam} ORDER BY conversation_id, seq DESC`
}

/**
 * Whether participant row `p` ended because someone removed them (as SQLite's `REMOVED`): the
 * conversation's last membership event for that user is a removal.
 */
export const REMOVED = `(SELECT a.action FROM audit_log a WHERE a.conversation_id = p.conversation_id
      AND ((a.action = 'participant.removed' AND a.detail::jsonb ->> 'userId' = p.user_id)
        OR (a.action IN ('participant.left', 'conversation.transferred') AND a.actor_id = p.user_id))
      ORDER BY a.seq DESC LIMIT 1) IS NOT DISTINCT FROM 'participant.removed'`
