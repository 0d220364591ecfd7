import type { Db } from '../open'
import { statements } from '../statements'
import { removeFromOutbox } from './outbox'

/**
 * Deletions for the retention purge. Never touches `consents` or `audit_log`. Messages go in
 * batches (each its own short transaction) so the engine keeps answering during a large purge.
 */

export interface MessagePurgeBatch {
  messages: number
  reactions: number
  outbox: number
  lastSeq: number
  conversationIds: string[]
}

/**
 * Deletes up to `limit` messages created before `cutoff` with seq > `afterSeq`, with their
 * reactions and outbox rows (FTS entries go with the messages' delete trigger). A message being
 * sent right now (leased outbox row) is left for the next run. Returns null when none are left.
 */
export function purgeMessageBatch(db: Db, cutoff: number, afterSeq: number, limit: number): MessagePurgeBatch | null {
  const rows = statements(db)
    .prepare(
      `SELECT m.seq, m.id, m.conversation_id FROM messages m
       WHERE m.created_at < ? AND m.seq > ?
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.state = 'leased')
       ORDER BY m.seq LIMIT ?`,
    )
    .all(cutoff, afterSeq, limit) as Array<{ seq: number; id: string; conversation_id: string }>
  if (!rows.length) return null
  const deleteReactions = statements(db).prepare('DELETE FROM reactions WHERE message_id = ?')
  const deleteMessage = statements(db).prepare('DELETE FROM messages WHERE seq = ?')
  const batch: MessagePurgeBatch = { messages: 0, reactions: 0, outbox: 0, lastSeq: rows[rows.length - 1].seq, conversationIds: [] }
  const conversations = new Set<string>()
  db.transaction(() => {
    for (const row of rows) {
      batch.reactions += deleteReactions.run(row.id).changes
      if (removeFromOutbox(db, row.id)) batch.outbox++
      batch.messages += deleteMessage.run(row.seq).changes
      conversations.add(row.conversation_id)
    }
    // A thread's preview pointed at its newest message; point it at the newest one left.
    const repoint = statements(db).prepare(
      `UPDATE conversations SET last_message_seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = @id)
       WHERE id = @id AND last_message_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE seq = conversations.last_message_seq)`,
    )
    for (const id of conversations) repoint.run({ id })
  })()
  batch.conversationIds = [...conversations]
  return batch
}

/**
 * Media rows to remove: created before `mediaCutoff` (when set), or referenced by no message
 * (directly or as a kept picture's thumbnail) and older than `orphanCutoff` (a fresh upload not
 * sent yet is not an orphan).
 */
export function expiredMedia(db: Db, mediaCutoff: number | null, orphanCutoff: number): Array<{ id: string; size: number }> {
  return statements(db)
    .prepare(
      `WITH used AS (
         SELECT DISTINCT media_id AS id FROM messages WHERE media_id IS NOT NULL
       ),
       kept AS (
         SELECT id FROM media WHERE @mediaCutoff IS NULL OR created_at >= @mediaCutoff
       ),
       referenced AS (
         SELECT id FROM used WHERE id IN (SELECT id FROM kept)
         UNION
         SELECT thumbnail_id FROM media WHERE thumbnail_id IS NOT NULL AND id IN (SELECT id FROM used) AND id IN (SELECT id FROM kept)
       )
       SELECT id, size FROM media
       WHERE (@mediaCutoff IS NOT NULL AND created_at < @mediaCutoff)
          OR (created_at < @orphanCutoff AND id NOT IN (SELECT id FROM referenced WHERE id IS NOT NULL))`,
    )
    .all({ mediaCutoff, orphanCutoff }) as Array<{ id: string; size: number }>
}

/** Removes a media row; messages that still point at it keep their text and say the picture expired. */
export function deleteMediaRow(db: Db, id: string, now: number): number {
  return db.transaction(() => {
    const detached = statements(db)
      .prepare(
        `UPDATE messages SET media_id = NULL, media_state = NULL, updated_at = @now,
           extra = json_set(COALESCE(extra, '{}'), '$.mediaRemoved', 'retention')
         WHERE media_id = @id`,
      )
      .run({ id, now }).changes
    statements(db).prepare('UPDATE media SET thumbnail_id = NULL WHERE thumbnail_id = ?').run(id)
    statements(db).prepare('DELETE FROM media WHERE id = ?').run(id)
    return detached
  })()
}
