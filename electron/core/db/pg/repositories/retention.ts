import type { MessagePurgeBatch } from '../../repositories/retention'
import type { PgQueryable } from '../pool'
import { atomically } from './atomic'
import { removeFromOutbox } from './outbox'

// PostgreSQL twin of ../../repositories/retention.ts — deletions for the retention purge. Never
// touches `consents` or `audit_log`; messages go in batches, each its own short transaction.

/**
 * Deletes up to `limit` messages created before `cutoff` with seq > `afterSeq`, with their
 * reactions and outbox rows. A message being sent right now (leased outbox row) is left for the
 * next run. Returns null when none are left.
 */
export async function purgeMessageBatch(
  db: PgQueryable,
  cutoff: number,
  afterSeq: number,
  limit: number,
): Promise<MessagePurgeBatch | null> {
  const { rows } = await db.query<{ seq: number; id: string; conversation_id: string }>(
    `SELECT m.seq, m.id, m.conversation_id FROM messages m
     WHERE m.created_at < $1 AND m.seq > $2
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.id AND o.state = 'leased')
     ORDER BY m.seq LIMIT $3`,
    [cutoff, afterSeq, limit],
  )
  if (!rows.length) return null
  const ids = rows.map((row) => row.id)
  const conversationIds = [...new Set(rows.map((row) => row.conversation_id))]
  return atomically(db, async (q) => {
    const reactions = (await q.query('DELETE FROM reactions WHERE message_id = ANY($1)', [ids])).rowCount ?? 0
    let outbox = 0
    for (const id of ids) if (await removeFromOutbox(q, id)) outbox++
    const messages = (await q.query('DELETE FROM messages WHERE id = ANY($1)', [ids])).rowCount ?? 0
    // A thread's preview pointed at its newest message; point it at the newest one left.
    await q.query(
      `UPDATE conversations c SET last_message_seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = c.id)
       WHERE c.id = ANY($1) AND c.last_message_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE seq = c.last_message_seq)`,
      [conversationIds],
    )
    return { messages, reactions, outbox, lastSeq: rows[rows.length - 1].seq, conversationIds }
  })
}

/**
 * Media rows to remove: created before `mediaCutoff` (when set), or referenced by no message
 * (directly or as a kept picture's thumbnail) and older than `orphanCutoff`.
 */
export async function expiredMedia(
  db: PgQueryable,
  mediaCutoff: number | null,
  orphanCutoff: number,
): Promise<Array<{ id: string; size: number }>> {
  const { rows } = await db.query<{ id: string; size: number }>(
    `WITH used AS (
       SELECT DISTINCT media_id AS id FROM messages WHERE media_id IS NOT NULL
     ),
     kept AS (
       SELECT id FROM media WHERE $1::bigint IS NULL OR created_at >= $1::bigint
     ),
     referenced AS (
       SELECT id FROM used WHERE id IN (SELECT id FROM kept)
       UNION
       SELECT thumbnail_id FROM media WHERE thumbnail_id IS NOT NULL AND id IN (SELECT id FROM used) AND id IN (SELECT id FROM kept)
     )
     SELECT id, size FROM media
     WHERE ($1::bigint IS NOT NULL AND created_at < $1::bigint)
        OR (created_at < $2 AND id NOT IN (SELECT id FROM referenced WHERE id IS NOT NULL))`,
    [mediaCutoff, orphanCutoff],
  )
  return rows
}

/** Removes a media row; messages that still point at it keep their text and say the picture expired. */
export async function deleteMediaRow(db: PgQueryable, id: string, now: number): Promise<number> {
  return atomically(db, async (q) => {
    const detached = await q.query(
      `UPDATE messages SET media_id = NULL, media_state = NULL, updated_at = $2,
         extra = (COALESCE(extra, '{}')::jsonb || '{"mediaRemoved": "retention"}'::jsonb)::text
       WHERE media_id = $1`,
      [id, now],
    )
    await q.query('UPDATE media SET thumbnail_id = NULL WHERE thumbnail_id = $1', [id])
    await q.query('DELETE FROM media WHERE id = $1', [id])
    return detached.rowCount ?? 0
  })
}
