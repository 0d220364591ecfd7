import type { Channel } from '../../../shared/domain'
import type { Db } from '../open'
import { statements } from '../statements'

export interface ConversationRow {
  id: string
  contact_id: string
  contact_name: string
  channel: Channel
  created_at: number
  ended_at: number | null
  last_activity_at: number
  consent: string | null
  last_inbound_at: number | null
  unread: number | null
  last_body: string | null
  last_kind: string | null
  last_direction: string | null
  last_at: number | null
}

const SELECT = `
  SELECT c.id, c.contact_id, ct.name AS contact_name, c.channel, c.created_at, c.ended_at, c.last_activity_at,
         w.consent, w.last_inbound_at, p.unread,
         m.body AS last_body, m.kind AS last_kind, m.direction AS last_direction, m.created_at AS last_at
  FROM conversations c
  JOIN contacts ct ON ct.id = c.contact_id
  LEFT JOIN whatsapp_users w ON w.contact_id = c.contact_id AND c.channel = 'whatsapp'
  LEFT JOIN participants p ON p.conversation_id = c.id AND p.user_id = @userId AND p.left_at IS NULL
  LEFT JOIN messages m ON m.seq = c.last_message_seq`

export function insertConversation(
  db: Db,
  row: { id: string; contactId: string; channel: Channel; now: number; restartedFrom?: string },
): void {
  statements(db)
    .prepare(
      `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at, restarted_from)
     VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(row.id, row.contactId, row.channel, row.now, row.now, row.restartedFrom ?? null)
}

/** One conversation as `userId` sees it (unread is theirs; null when they are not a participant). */
export function getConversationRow(db: Db, id: string, userId: string): ConversationRow | undefined {
  return statements(db).prepare(`${SELECT} WHERE c.id = @id`).get({ id, userId }) as ConversationRow | undefined
}

/** Default and largest page of the conversation list (the renderer asks for more as it scrolls). */
export const CONVERSATION_PAGE = { default: 100, max: 1000 } as const

/** Where a page of the conversation list ends: the last row's activity time and id. */
export interface ConversationCursor {
  lastActivityAt: number
  id: string
}

export function encodeConversationCursor(cursor: ConversationCursor): string {
  return `${cursor.lastActivityAt}:${cursor.id}`
}

export function decodeConversationCursor(cursor: string): ConversationCursor | undefined {
  const colon = cursor.indexOf(':')
  const at = Number(cursor.slice(0, colon))
  if (colon <= 0 || !Number.isSafeInteger(at) || colon === cursor.length - 1) return undefined
  return { lastActivityAt: at, id: cursor.slice(colon + 1) }
}

/**
 * The conversations `userId` currently participates in, newest activity first, one page at a time.
 * The query walks `conversations_activity` backwards (its entries are ordered by activity, then
 * rowid) and probes `participants_current` for each row, so a page of 50 reads ~50 index entries
 * and SQLite never sorts (no temporary B-tree; tests/core/db/conversation-page.test.ts checks the
 * plan). `cursor` continues after the last row of the previous page.
 */
export function listConversationRows(
  db: Db,
  userId: string,
  filter: { channel?: Channel; unread?: boolean; contactId?: string; limit?: number; cursor?: ConversationCursor } = {},
): ConversationRow[] {
  const where = ['p.user_id IS NOT NULL']
  if (filter.channel) where.push('c.channel = @channel')
  if (filter.unread) where.push('p.unread > 0')
  if (filter.contactId) where.push('c.contact_id = @contactId')
  if (filter.cursor)
    where.push(`(c.last_activity_at < @cursorAt OR (c.last_activity_at = @cursorAt
      AND c.rowid < (SELECT rowid FROM conversations WHERE id = @cursorId)))`)
  // CROSS JOIN pins conversations as the outer loop, so the activity index gives the order.
  const sql = `${SELECT.replace(
    'LEFT JOIN participants p ON p.conversation_id = c.id AND p.user_id = @userId AND p.left_at IS NULL',
    'CROSS JOIN participants p ON p.conversation_id = c.id AND p.user_id = @userId AND p.left_at IS NULL',
  )} WHERE ${where.join(' AND ')} ORDER BY c.last_activity_at DESC, c.rowid DESC LIMIT @limit`
  return statements(db)
    .prepare(sql)
    .all({
      userId,
      channel: filter.channel ?? null,
      contactId: filter.contactId ?? null,
      cursorAt: filter.cursor?.lastActivityAt ?? null,
      cursorId: filter.cursor?.id ?? null,
      limit: Math.min(filter.limit ?? CONVERSATION_PAGE.default, CONVERSATION_PAGE.max),
    }) as ConversationRow[]
}

/** The newest thread on a channel with a contact, ended or not. */
export function latestConversationId(db: Db, contactId: string, channel: Channel): { id: string; endedAt: number | null } | undefined {
  const row = statements(db)
    .prepare('SELECT id, ended_at FROM conversations WHERE contact_id = ? AND channel = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(contactId, channel) as { id: string; ended_at: number | null } | undefined
  return row && { id: row.id, endedAt: row.ended_at }
}

/**
 * Holds the conversation for the rest of the caller's transaction, so operations on one thread
 * (transfer, leave, add, restart) run one after another. Nothing to do here: a SQLite write
 * transaction (BEGIN IMMEDIATE) already has the whole database to itself; the PostgreSQL twin
 * takes the row lock.
 */
export function lockConversation(_db: Db, _id: string): void {}

export function conversationBasics(
  db: Db,
  id: string,
): { id: string; contactId: string; channel: Channel; endedAt: number | null } | undefined {
  const row = statements(db).prepare('SELECT id, contact_id, channel, ended_at FROM conversations WHERE id = ?').get(id) as
    { id: string; contact_id: string; channel: Channel; ended_at: number | null } | undefined
  return row && { id: row.id, contactId: row.contact_id, channel: row.channel, endedAt: row.ended_at }
}

/** The open thread that continues an ended one (restarted, or opened by the contact writing again). */
export function openContinuationOf(db: Db, id: string): string | undefined {
  const row = statements(db)
    .prepare('SELECT id FROM conversations WHERE restarted_from = ? AND ended_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(id) as { id: string } | undefined
  return row?.id
}

/** Open WhatsApp threads with this contact (inbound messages and consent changes touch them all). */
export function openConversationIds(db: Db, contactId: string, channel: Channel): string[] {
  return (
    statements(db)
      .prepare('SELECT id FROM conversations WHERE contact_id = ? AND channel = ? AND ended_at IS NULL ORDER BY created_at')
      .all(contactId, channel) as Array<{ id: string }>
  ).map((r) => r.id)
}

export function openWhatsAppConversationIds(db: Db): string[] {
  return (
    statements(db).prepare(`SELECT id FROM conversations WHERE channel = 'whatsapp' AND ended_at IS NULL`).all() as Array<{ id: string }>
  ).map((r) => r.id)
}

/** Open conversations a user is currently in, most recently active first. */
export function openConversationIdsOf(db: Db, userId: string): string[] {
  return statements(db)
    .prepare(
      `SELECT c.id FROM conversations c JOIN participants p ON p.conversation_id = c.id
       WHERE p.user_id = ? AND p.left_at IS NULL AND c.ended_at IS NULL ORDER BY c.last_activity_at DESC`,
    )
    .pluck()
    .all(userId) as string[]
}

export function touchConversation(db: Db, id: string, messageSeq: number, at: number): void {
  statements(db)
    .prepare('UPDATE conversations SET last_message_seq = ?, last_activity_at = max(last_activity_at, ?) WHERE id = ?')
    .run(messageSeq, at, id)
}

export function endConversation(db: Db, id: string, now: number): boolean {
  return statements(db).prepare('UPDATE conversations SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(now, id).changes > 0
}

// Participants

export interface ParticipantRow {
  user_id: string
  name: string
  joined_at: number
  left_at: number | null
}

/** A current participant, with the messages they have not read yet. */
export interface CurrentParticipantRow extends ParticipantRow {
  unread: number
}

/**
 * A user's membership (row `p`) ended by someone else removing them, not by leaving or
 * transferring: of the audit rows that end this user's memberships here, the newest is a removal.
 */
const REMOVED = `(SELECT a.action FROM audit_log a WHERE a.conversation_id = p.conversation_id
    AND ((a.action = 'participant.removed' AND json_extract(a.detail, '$.userId') = p.user_id)
      OR (a.action IN ('participant.left', 'conversation.transferred') AND a.actor_id = p.user_id))
    ORDER BY a.seq DESC LIMIT 1) IS 'participant.removed'`

/** Each user's newest participant row for a conversation (a user removed and added again has several). */
const LATEST = `p.seq = (SELECT max(q.seq) FROM participants q WHERE q.conversation_id = p.conversation_id AND q.user_id = p.user_id)`

/**
 * The one rule for who may read a conversation, as SQL over `@userId`: its current participants,
 * and, once it has ended, everyone who took part and was not removed. `conversation` and `endedAt`
 * are the SQL expressions for the conversation's id and `ended_at` in the calling query.
 * Every read (threads, messages, media, search, audit, export) goes through this or `canRead`.
 */
export function readableBy(conversation: string, endedAt: string): string {
  return `EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = ${conversation} AND p.user_id = @userId AND ${LATEST}
    AND (p.left_at IS NULL OR (${endedAt} IS NOT NULL AND NOT ${REMOVED})))`
}

export function canRead(db: Db, conversationId: string, userId: string): boolean {
  return !!statements(db)
    .prepare(`SELECT 1 FROM conversations c WHERE c.id = @conversationId AND ${readableBy('c.id', 'c.ended_at')}`)
    .get({ conversationId, userId })
}

/**
 * Current participants; with `includeFormer`, also everyone who took part and was not removed
 * (left or transferred away) — one row per user, their newest.
 */
export function listParticipants(db: Db, conversationId: string, includeFormer = false): ParticipantRow[] {
  const where = includeFormer ? `${LATEST} AND (p.left_at IS NULL OR NOT ${REMOVED})` : 'p.left_at IS NULL'
  return statements(db)
    .prepare(
      `SELECT p.user_id, u.name, p.joined_at, p.left_at FROM participants p JOIN org_users u ON u.id = p.user_id
       WHERE p.conversation_id = ? AND ${where} ORDER BY p.seq`,
    )
    .all(conversationId) as ParticipantRow[]
}

/** Current participants of many conversations in one query (the conversation list). */
export function currentParticipantsOf(db: Db, conversationIds: readonly string[]): Map<string, CurrentParticipantRow[]> {
  const map = new Map<string, CurrentParticipantRow[]>()
  if (conversationIds.length === 0) return map
  const rows = statements(db)
    .prepare(
      `SELECT p.conversation_id, p.user_id, u.name, p.joined_at, p.left_at, p.unread FROM participants p JOIN org_users u ON u.id = p.user_id
       WHERE p.conversation_id IN (SELECT value FROM json_each(?)) AND p.left_at IS NULL ORDER BY p.seq`,
    )
    .all(JSON.stringify(conversationIds)) as Array<CurrentParticipantRow & { conversation_id: string }>
  for (const { conversation_id, ...row } of rows) {
    const list = map.get(conversation_id) ?? []
    list.push(row)
    map.set(conversation_id, list)
  }
  return map
}

export function isParticipant(db: Db, conversationId: string, userId: string): boolean {
  return !!statements(db)
    .prepare('SELECT 1 FROM participants WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL')
    .get(conversationId, userId)
}

/** Took part and was not removed by someone else (a removed user loses the thread, its history too). */
export function wasParticipant(db: Db, conversationId: string, userId: string): boolean {
  return !!statements(db)
    .prepare(
      `SELECT 1 FROM participants p WHERE p.conversation_id = ? AND p.user_id = ? AND ${LATEST} AND (p.left_at IS NULL OR NOT ${REMOVED})`,
    )
    .get(conversationId, userId)
}

/** The user's membership of this conversation ended because someone removed them. */
export function wasRemoved(db: Db, conversationId: string, userId: string): boolean {
  return !!statements(db)
    .prepare(
      `SELECT 1 FROM participants p WHERE p.conversation_id = ? AND p.user_id = ? AND ${LATEST} AND p.left_at IS NOT NULL AND ${REMOVED}`,
    )
    .get(conversationId, userId)
}

/** Ended threads with a contact that the user took part in (their History page). */
export function endedConversationIdsFor(db: Db, userId: string, contactId: string): string[] {
  return (
    statements(db)
      .prepare(
        `SELECT DISTINCT c.id FROM conversations c JOIN participants p ON p.conversation_id = c.id AND p.user_id = ?
         WHERE c.contact_id = ? AND c.ended_at IS NOT NULL AND ${LATEST} AND (p.left_at IS NULL OR NOT ${REMOVED})
         ORDER BY c.last_activity_at DESC`,
      )
      .all(userId, contactId) as Array<{ id: string }>
  ).map((r) => r.id)
}

/**
 * Who handed the conversation to `userId`, when their current membership came from a transfer
 * (rather than being added): a second transfer to them at the same time is the loser of a race.
 */
export function transferredToBy(db: Db, conversationId: string, userId: string): string | undefined {
  const row = statements(db)
    .prepare(
      `SELECT action, actor_id FROM audit_log WHERE conversation_id = ?
         AND ((action = 'participant.added' AND json_extract(detail, '$.userId') = ?)
           OR (action = 'conversation.transferred' AND json_extract(detail, '$.toUserId') = ?))
       ORDER BY seq DESC LIMIT 1`,
    )
    .get(conversationId, userId, userId) as { action: string; actor_id: string | null } | undefined
  return row?.action === 'conversation.transferred' ? (row.actor_id ?? undefined) : undefined
}

export function addParticipant(db: Db, conversationId: string, userId: string, now: number): boolean {
  return (
    statements(db)
      .prepare(
        `INSERT INTO participants (conversation_id, user_id, joined_at) SELECT ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM participants WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL)`,
      )
      .run(conversationId, userId, now, conversationId, userId).changes > 0
  )
}

export function removeParticipant(db: Db, conversationId: string, userId: string, now: number): boolean {
  return (
    statements(db)
      .prepare('UPDATE participants SET left_at = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL')
      .run(now, conversationId, userId).changes > 0
  )
}

export function incrementUnread(db: Db, conversationId: string): void {
  statements(db).prepare('UPDATE participants SET unread = unread + 1 WHERE conversation_id = ? AND left_at IS NULL').run(conversationId)
}

export function markReadFor(db: Db, conversationId: string, userId: string, now: number): boolean {
  return (
    statements(db)
      .prepare(
        'UPDATE participants SET unread = 0, last_read_at = ? WHERE conversation_id = ? AND user_id = ? AND left_at IS NULL AND unread > 0',
      )
      .run(now, conversationId, userId).changes > 0
  )
}

export function participantUserIds(db: Db, conversationId: string): string[] {
  return listParticipants(db, conversationId).map((p) => p.user_id)
}
