import type { Channel } from '../../../../shared/domain'
import {
  CONVERSATION_PAGE,
  type ConversationCursor,
  type ConversationRow,
  type CurrentParticipantRow,
  type ParticipantRow,
} from '../../repositories/conversations'
import type { PgQueryable } from '../pool'
import { latestParticipantRowsOf, readableConversationIds, REMOVED } from './readable'

// PostgreSQL twin of ../../repositories/conversations.ts — the threads, their participants, the
// conversation list with its cursor, and the history queries. Where SQLite breaks ties on rowid,
// these use `seq` (migration 0040), which counts up the same way.

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
       WHERE p.left_at IS NULL OR NOT ${REMOVED}
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

/**
 * Holds the conversation's row for the rest of the caller's transaction (FOR UPDATE), so two
 * instances changing who is in one thread at once run one after the other; the later one then
 * sees the earlier one's result when it re-checks.
 */
export async function lockConversation(db: PgQueryable, id: string): Promise<void> {
  await db.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [id])
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
export async function currentParticipantsOf(
  db: PgQueryable,
  conversationIds: readonly string[],
): Promise<Map<string, CurrentParticipantRow[]>> {
  const map = new Map<string, CurrentParticipantRow[]>()
  if (conversationIds.length === 0) return map
  const { rows } = await db.query<CurrentParticipantRow & { conversation_id: string }>(
    `SELECT p.conversation_id, p.user_id, u.name, p.joined_at, p.left_at, p.unread FROM participants p JOIN org_users u ON u.id = p.user_id
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

/** The conversation row as `userId` sees it; `participantJoin` is LEFT (any thread) or INNER (theirs only). */
function selectRows(userParam: string, participantJoin: 'LEFT JOIN' | 'JOIN'): string {
  return `SELECT c.id, c.contact_id, ct.name AS contact_name, c.channel, c.created_at, c.ended_at, c.last_activity_at,
           w.consent, w.last_inbound_at, p.unread,
           m.body AS last_body, m.kind AS last_kind, m.direction AS last_direction, m.created_at AS last_at
    FROM conversations c
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN whatsapp_users w ON w.contact_id = c.contact_id AND c.channel = 'whatsapp'
    ${participantJoin} participants p ON p.conversation_id = c.id AND p.user_id = ${userParam} AND p.left_at IS NULL
    LEFT JOIN messages m ON m.seq = c.last_message_seq`
}

/** One conversation as `userId` sees it (unread is theirs; null when they are not a participant). */
export async function getConversationRow(db: PgQueryable, id: string, userId: string): Promise<ConversationRow | undefined> {
  const { rows } = await db.query<ConversationRow>(`${selectRows('$2', 'LEFT JOIN')} WHERE c.id = $1`, [id, userId])
  return rows[0]
}

/** The conversations `userId` currently participates in, newest activity first, one page at a time. */
export async function listConversationRows(
  db: PgQueryable,
  userId: string,
  filter: { channel?: Channel; unread?: boolean; contactId?: string; limit?: number; cursor?: ConversationCursor } = {},
): Promise<ConversationRow[]> {
  const params: unknown[] = [userId, Math.min(filter.limit ?? CONVERSATION_PAGE.default, CONVERSATION_PAGE.max)]
  const param = (value: unknown) => `$${params.push(value)}`
  const where: string[] = []
  if (filter.channel) where.push(`c.channel = ${param(filter.channel)}`)
  if (filter.unread) where.push('p.unread > 0')
  if (filter.contactId) where.push(`c.contact_id = ${param(filter.contactId)}`)
  if (filter.cursor) {
    const at = param(filter.cursor.lastActivityAt)
    where.push(`(c.last_activity_at < ${at} OR (c.last_activity_at = ${at}
      AND c.seq < (SELECT seq FROM conversations WHERE id = ${param(filter.cursor.id)})))`)
  }
  const { rows } = await db.query<ConversationRow>(
    `${selectRows('$1', 'JOIN')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY c.last_activity_at DESC, c.seq DESC LIMIT $2`,
    params,
  )
  return rows
}

/** The newest thread on a channel with a contact, ended or not. */
export async function latestConversationId(
  db: PgQueryable,
  contactId: string,
  channel: Channel,
): Promise<{ id: string; endedAt: number | null } | undefined> {
  const { rows } = await db.query<{ id: string; ended_at: number | null }>(
    'SELECT id, ended_at FROM conversations WHERE contact_id = $1 AND channel = $2 ORDER BY created_at DESC, seq DESC LIMIT 1',
    [contactId, channel],
  )
  return rows[0] && { id: rows[0].id, endedAt: rows[0].ended_at }
}

/** The open thread that continues an ended one (restarted, or opened by the contact writing again). */
export async function openContinuationOf(db: PgQueryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM conversations WHERE restarted_from = $1 AND ended_at IS NULL ORDER BY created_at DESC, seq DESC LIMIT 1',
    [id],
  )
  return rows[0]?.id
}

/** The user's newest participant row in a conversation, and whether someone removed them from it. */
async function latestMembership(
  db: PgQueryable,
  conversationId: string,
  userId: string,
): Promise<{ current: boolean; removed: boolean } | undefined> {
  const { rows } = await db.query<{ current: boolean; removed: boolean }>(
    `SELECT p.left_at IS NULL AS current, (p.left_at IS NOT NULL AND ${REMOVED}) AS removed FROM (
       SELECT seq, conversation_id, user_id, left_at FROM participants WHERE conversation_id = $1 AND user_id = $2
       ORDER BY seq DESC LIMIT 1) p`,
    [conversationId, userId],
  )
  return rows[0]
}

/** Took part and was not removed by someone else (a removed user loses the thread, its history too). */
export async function wasParticipant(db: PgQueryable, conversationId: string, userId: string): Promise<boolean> {
  const membership = await latestMembership(db, conversationId, userId)
  return !!membership && !membership.removed
}

/** The user's membership of this conversation ended because someone removed them. */
export async function wasRemoved(db: PgQueryable, conversationId: string, userId: string): Promise<boolean> {
  return (await latestMembership(db, conversationId, userId))?.removed ?? false
}

/** Ended threads with a contact that the user took part in (their History page). */
export async function endedConversationIdsFor(db: PgQueryable, userId: string, contactId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT c.id FROM conversations c JOIN (${latestParticipantRowsOf('$1')}) p ON p.conversation_id = c.id
     WHERE c.contact_id = $2 AND c.ended_at IS NOT NULL AND (p.left_at IS NULL OR NOT ${REMOVED})
     ORDER BY c.last_activity_at DESC`,
    [userId, contactId],
  )
  return rows.map((r) => r.id)
}

/**
 * Who handed the conversation to `userId`, when their current membership came from a transfer
 * (rather than being added): a second transfer to them at the same time is the loser of a race.
 */
export async function transferredToBy(db: PgQueryable, conversationId: string, userId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ action: string; actor_id: string | null }>(
    `SELECT action, actor_id FROM audit_log WHERE conversation_id = $1
       AND ((action = 'participant.added' AND detail::jsonb ->> 'userId' = $2)
         OR (action = 'conversation.transferred' AND detail::jsonb ->> 'toUserId' = $2))
     ORDER BY seq DESC LIMIT 1`,
    [conversationId, userId],
  )
  return rows[0]?.action === 'conversation.transferred' ? (rows[0].actor_id ?? undefined) : undefined
}
