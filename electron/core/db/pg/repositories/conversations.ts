import type { Channel } from '../../../../shared/domain'
import type { ParticipantRow } from '../../repositories/conversations'
import type { PgQueryable } from '../pool'
import { readableConversationIds } from './readable'

// PostgreSQL twin of ../../repositories/conversations.ts — the threads and their participants
// (the conversation list and its cursor, search of threads, and the history queries follow).

export async function insertConversation(
  db: PgQueryable,
  row: { id: string; contactId: string; channel: Channel; now: number; restartedFrom?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at, restarted_from) VALUES ($1, $2, $3, $4, $4, $5)`,
    [row.id, row.contactId, row.channel, row.now, row.restartedFrom ?? null],
  )
}

export async function touchConversation(db: PgQueryable, id: string, messageSeq: number, at: number): Promise<void> {
  await db.query('UPDATE conversations SET last_message_seq = $1, last_activity_at = GREATEST(last_activity_at, $2) WHERE id = $3', [
    messageSeq,
    at,
    id,
  ])
}

export async function endConversation(db: PgQueryable, id: string, now: number): Promise<boolean> {
  return ((await db.query('UPDATE conversations SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL', [now, id])).rowCount ?? 0) > 0
}

/** The one rule for who may read a conversation (see the SQLite `readableBy`). */
export async function canRead(db: PgQueryable, conversationId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM (${readableConversationIds('$1')}) r WHERE r.conversation_id = $2`, [
    userId,
    conversationId,
  ])
  return (rowCount ?? 0) > 0
}

export async function isParticipant(db: PgQueryable, conversationId: string, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM participants WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL', [
    conversationId,
    userId,
  ])
  return (rowCount ?? 0) > 0
}

/** Adds a current participant; false when they already are one (two instances adding at once: one wins). */
export async function addParticipant(db: PgQueryable, conversationId: string, userId: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO participants (conversation_id, user_id, joined_at) VALUES ($1, $2, $3)
     ON CONFLICT (conversation_id, user_id) WHERE left_at IS NULL DO NOTHING`,
    [conversationId, userId, now],
  )
  return (rowCount ?? 0) > 0
}

export async function removeParticipant(db: PgQueryable, conversationId: string, userId: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE participants SET left_at = $1 WHERE conversation_id = $2 AND user_id = $3 AND left_at IS NULL',
    [now, conversationId, userId],
  )
  return (rowCount ?? 0) > 0
}

export async function incrementUnread(db: PgQueryable, conversationId: string): Promise<void> {
  await db.query('UPDATE participants SET unread = unread + 1 WHERE conversation_id = $1 AND left_at IS NULL', [conversationId])
}

export async function markReadFor(db: PgQueryable, conversationId: string, userId: string, now: number): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE participants SET unread = 0, last_read_at = $1 WHERE conversation_id = $2 AND user_id = $3 AND left_at IS NULL AND unread > 0',
    [now, conversationId, userId],
  )
  return (rowCount ?? 0) > 0
}

/** Current participants, in the order they joined. */
export async function listParticipants(db: PgQueryable, conversationId: string, includeFormer = false): Promise<ParticipantRow[]> {
  if (includeFormer) {
    // Everyone who took part and was not removed, one row per user (their newest): the readable rule per user.
    const { rows } = await db.query<ParticipantRow>(
      `SELECT p.user_id, u.name, p.joined_at, p.left_at FROM (
         SELECT DISTINCT ON (user_id) seq, conversation_id, user_id, joined_at, left_at FROM participants
         WHERE conversation_id = $1 ORDER BY user_id, seq DESC) p
       JOIN org_users u ON u.id = p.user_id
       WHERE p.left_at IS NULL OR (SELECT a.action FROM audit_log a WHERE a.conversation_id = p.conversation_id
         AND ((a.action = 'participant.removed' AND a.detail::jsonb ->> 'userId' = p.user_id)
           OR (a.action IN ('participant.left', 'conversation.transferred') AND a.actor_id = p.user_id))
         ORDER BY a.seq DESC LIMIT 1) IS DISTINCT FROM 'participant.removed'
       ORDER BY p.seq`,
      [conversationId],
    )
    return rows
  }
  const { rows } = await db.query<ParticipantRow>(
    `SELECT p.user_id, u.name, p.joined_at, p.left_at FROM participants p JOIN org_users u ON u.id = p.user_id
     WHERE p.conversation_id = $1 AND p.left_at IS NULL ORDER BY p.seq`,
    [conversationId],
  )
  return rows
}

export async function participantUserIds(db: PgQueryable, conversationId: string): Promise<string[]> {
  return (await listParticipants(db, conversationId)).map((p) => p.user_id)
}

export async function conversationBasics(
  db: PgQueryable,
  id: string,
): Promise<{ id: string; contactId: string; channel: Channel; endedAt: number | null } | undefined> {
  const { rows } = await db.query<{ id: string; contact_id: string; channel: Channel; ended_at: number | null }>(
    'SELECT id, contact_id, channel, ended_at FROM conversations WHERE id = $1',
    [id],
  )
  const row = rows[0]
  return row && { id: row.id, contactId: row.contact_id, channel: row.channel, endedAt: row.ended_at }
}

/** Open WhatsApp threads with this contact (inbound messages and consent changes touch them all). */
export async function openConversationIds(db: PgQueryable, contactId: string, channel: Channel): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM conversations WHERE contact_id = $1 AND channel = $2 AND ended_at IS NULL ORDER BY created_at',
    [contactId, channel],
  )
  return rows.map((r) => r.id)
}

export async function openWhatsAppConversationIds(db: PgQueryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = 'whatsapp' AND ended_at IS NULL`)
  return rows.map((r) => r.id)
}

/** Open conversations a user is currently in, most recently active first. */
export async function openConversationIdsOf(db: PgQueryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT c.id FROM conversations c JOIN participants p ON p.conversation_id = c.id
     WHERE p.user_id = $1 AND p.left_at IS NULL AND c.ended_at IS NULL ORDER BY c.last_activity_at DESC`,
    [userId],
  )
  return rows.map((r) => r.id)
}

/** Current participants of many conversations in one query (the conversation list). */
export async function currentParticipantsOf(db: PgQueryable, conversationIds: readonly string[]): Promise<Map<string, ParticipantRow[]>> {
  const map = new Map<string, ParticipantRow[]>()
  if (conversationIds.length === 0) return map
  const { rows } = await db.query<ParticipantRow & { conversation_id: string }>(
    `SELECT p.conversation_id, p.user_id, u.name, p.joined_at, p.left_at FROM participants p JOIN org_users u ON u.id = p.user_id
     WHERE p.conversation_id = ANY($1::text[]) AND p.left_at IS NULL ORDER BY p.seq`,
    [[...conversationIds]],
  )
  for (const { conversation_id, ...row } of rows) {
    const list = map.get(conversation_id) ?? []
    list.push(row)
    map.set(conversation_id, list)
  }
  return map
}
