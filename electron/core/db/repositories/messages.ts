import type { HoldReason, MediaState, MessageDirection, MessageKind, MessageStatus } from '../../../shared/domain'
import { cleanBody } from '../../../shared/text'
import type { Db } from '../open'
import { statements } from '../statements'
import { readableBy } from './conversations'

export interface MessageRow {
  seq: number
  id: string
  conversation_id: string
  direction: MessageDirection
  author_id: string | null
  author_name: string | null
  kind: MessageKind
  body: string | null
  media_id: string | null
  media_state: MediaState | null
  provider_media_id: string | null
  media_mime: string | null
  media_size: number | null
  media_width: number | null
  media_height: number | null
  media_thumbnail_id: string | null
  extra: string | null
  status: MessageStatus
  hold_reason: HoldReason | null
  error: string | null
  error_code: number | null
  provider_id: string | null
  reply_to_provider_id: string | null
  client_id: string | null
  created_at: number
  updated_at: number
  sent_at: number | null
  delivered_at: number | null
  read_at: number | null
}

/** A message with its author's name and its picture's details; plain SQL both engines run. */
export const MESSAGE_SELECT = `
  SELECT m.seq, m.id, m.conversation_id, m.direction, m.author_id, u.name AS author_name, m.kind, m.body,
         m.media_id, m.media_state, m.provider_media_id, md.mime_type AS media_mime, md.size AS media_size,
         md.width AS media_width, md.height AS media_height, md.thumbnail_id AS media_thumbnail_id, m.extra, m.status, m.hold_reason, m.error, m.error_code,
         m.provider_id, m.reply_to_provider_id, m.client_id, m.created_at, m.updated_at, m.sent_at, m.delivered_at, m.read_at
  FROM messages m
  LEFT JOIN org_users u ON u.id = m.author_id
  LEFT JOIN media md ON md.id = m.media_id`

export interface NewMessage {
  id: string
  conversationId: string
  direction: MessageDirection
  authorId?: string
  kind: MessageKind
  body?: string
  mediaId?: string
  mediaState?: MediaState
  providerMediaId?: string
  extra?: Record<string, unknown>
  status: MessageStatus
  holdReason?: HoldReason
  providerId?: string
  replyToProviderId?: string
  clientId?: string
  createdAt: number
}

/** Inserts and returns the new row's seq (its position in the global, time-ordered sequence). */
export function insertMessage(db: Db, m: NewMessage): number {
  const result = statements(db)
    .prepare(
      `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, media_id, media_state, provider_media_id, extra,
         status, hold_reason, provider_id, reply_to_provider_id, client_id, created_at, updated_at)
       VALUES (@id, @conversationId, @direction, @authorId, @kind, @body, @mediaId, @mediaState, @providerMediaId, @extra,
         @status, @holdReason, @providerId, @replyToProviderId, @clientId, @createdAt, @createdAt)`,
    )
    .run({
      id: m.id,
      conversationId: m.conversationId,
      direction: m.direction,
      authorId: m.authorId ?? null,
      kind: m.kind,
      // Control characters never reach storage (they could spoof the search highlighter's markers).
      body: m.body === undefined || m.body === null ? null : cleanBody(m.body),
      mediaId: m.mediaId ?? null,
      mediaState: m.mediaState ?? null,
      providerMediaId: m.providerMediaId ?? null,
      extra: m.extra ? JSON.stringify(m.extra) : null,
      status: m.status,
      holdReason: m.holdReason ?? null,
      providerId: m.providerId ?? null,
      replyToProviderId: m.replyToProviderId ?? null,
      clientId: m.clientId ?? null,
      createdAt: m.createdAt,
    })
  return Number(result.lastInsertRowid)
}

export function getMessageRow(db: Db, id: string): MessageRow | undefined {
  return statements(db).prepare(`${MESSAGE_SELECT} WHERE m.id = ?`).get(id) as MessageRow | undefined
}

export function getMessageRowByProviderId(db: Db, providerId: string): MessageRow | undefined {
  return statements(db).prepare(`${MESSAGE_SELECT} WHERE m.provider_id = ?`).get(providerId) as MessageRow | undefined
}

export function getMessageRowByClientId(db: Db, conversationId: string, clientId: string): MessageRow | undefined {
  return statements(db).prepare(`${MESSAGE_SELECT} WHERE m.conversation_id = ? AND m.client_id = ?`).get(conversationId, clientId) as
    MessageRow | undefined
}

/** A page of a thread, oldest first; `beforeSeq` is the cursor of the oldest message already shown. */
export function listMessageRows(db: Db, conversationId: string, options: { beforeSeq?: number; limit?: number } = {}): MessageRow[] {
  const rows = statements(db)
    .prepare(
      `${MESSAGE_SELECT} WHERE m.conversation_id = @conversationId AND m.seq < @before AND m.kind != 'reaction'
       ORDER BY m.seq DESC LIMIT @limit`,
    )
    .all({ conversationId, before: options.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: options.limit ?? 50 }) as MessageRow[]
  return rows.reverse()
}

export interface MessageUpdate {
  status?: MessageStatus
  holdReason?: HoldReason | null
  error?: string | null
  errorCode?: number | null
  providerId?: string
  mediaState?: MediaState
  mediaId?: string
  body?: string
  now: number
}

const TIME_COLUMN: Partial<Record<MessageStatus, string>> = {
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  failed: 'failed_at',
}

export function updateMessage(db: Db, id: string, update: MessageUpdate): void {
  const sets = ['updated_at = @now']
  if (update.status !== undefined) {
    sets.push('status = @status')
    const column = TIME_COLUMN[update.status]
    if (column) sets.push(`${column} = COALESCE(${column}, @now)`)
  }
  if (update.holdReason !== undefined) sets.push('hold_reason = @holdReason')
  if (update.error !== undefined) sets.push('error = @error')
  if (update.errorCode !== undefined) sets.push('error_code = @errorCode')
  if (update.providerId !== undefined) sets.push('provider_id = @providerId')
  if (update.mediaState !== undefined) sets.push('media_state = @mediaState')
  if (update.mediaId !== undefined) sets.push('media_id = @mediaId')
  if (update.body !== undefined) sets.push('body = @body')
  statements(db)
    .prepare(`UPDATE messages SET ${sets.join(', ')} WHERE id = @id`)
    .run({
      id,
      now: update.now,
      status: update.status ?? null,
      holdReason: update.holdReason ?? null,
      error: update.error ?? null,
      errorCode: update.errorCode ?? null,
      providerId: update.providerId ?? null,
      mediaState: update.mediaState ?? null,
      mediaId: update.mediaId ?? null,
      body: update.body ?? null,
    })
}

export function setMessageExtra(db: Db, id: string, extra: Record<string, unknown>): void {
  statements(db).prepare('UPDATE messages SET extra = ? WHERE id = ?').run(JSON.stringify(extra), id)
}

/** Records the time of a status that arrived after a later one (e.g. delivered after read). */
export function recordStatusTime(db: Db, id: string, status: MessageStatus, at: number): void {
  const column = TIME_COLUMN[status]
  if (column) statements(db).prepare(`UPDATE messages SET ${column} = COALESCE(${column}, ?) WHERE id = ?`).run(at, id)
}

export function unreadInboundProviderIds(db: Db, conversationId: string, limit = 1): string[] {
  return (
    statements(db)
      .prepare(
        `SELECT provider_id FROM messages WHERE conversation_id = ? AND direction = 'in' AND provider_id IS NOT NULL
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(conversationId, limit) as Array<{ provider_id: string }>
  ).map((r) => r.provider_id)
}

export function pendingMediaDownloads(db: Db, limit = 50): MessageRow[] {
  return statements(db)
    .prepare(`${MESSAGE_SELECT} WHERE m.media_state IN ('downloading','failed') AND m.provider_media_id IS NOT NULL ORDER BY m.seq LIMIT ?`)
    .all(limit) as MessageRow[]
}

// Reactions

export function setReaction(db: Db, messageId: string, actor: string, emoji: string | null, at: number): void {
  if (emoji) {
    statements(db)
      .prepare(
        `INSERT INTO reactions (message_id, actor, emoji, at) VALUES (?, ?, ?, ?)
       ON CONFLICT(message_id, actor) DO UPDATE SET emoji = excluded.emoji, at = excluded.at WHERE excluded.at >= reactions.at`,
      )
      .run(messageId, actor, emoji, at)
  } else {
    statements(db).prepare('DELETE FROM reactions WHERE message_id = ? AND actor = ? AND at <= ?').run(messageId, actor, at)
  }
}

export function reactionsFor(db: Db, messageIds: readonly string[]): Map<string, Array<{ emoji: string; by: string; at: number }>> {
  const map = new Map<string, Array<{ emoji: string; by: string; at: number }>>()
  if (messageIds.length === 0) return map
  const rows = statements(db)
    .prepare(`SELECT message_id, actor, emoji, at FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY at DESC`)
    .all(JSON.stringify(messageIds)) as Array<{ message_id: string; actor: string; emoji: string; at: number }>
  for (const row of rows) {
    const list = map.get(row.message_id) ?? []
    list.push({ emoji: row.emoji, by: row.actor, at: row.at })
    map.set(row.message_id, list)
  }
  return map
}

export function bodiesByProviderId(db: Db, providerIds: readonly string[]): Map<string, { id: string; body: string | null; kind: string }> {
  const map = new Map<string, { id: string; body: string | null; kind: string }>()
  if (providerIds.length === 0) return map
  const rows = statements(db)
    .prepare(`SELECT id, provider_id, body, kind FROM messages WHERE provider_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(providerIds)) as Array<{ id: string; provider_id: string; body: string | null; kind: string }>
  for (const row of rows) map.set(row.provider_id, { id: row.id, body: row.body, kind: row.kind })
  return map
}

// Search

// The snippet marks matches with control characters, never HTML: the renderer highlights ranges.
const SNIPPET_FROM = 'FROM messages_fts f JOIN messages m ON m.seq = f.rowid'
const SNIPPET_COLUMN = ", snippet(messages_fts, 0, char(2), char(3), '…', 12) AS snippet "
// Which thread a hit is in, so results can say so (an ended thread is not in the open list).
const THREAD_COLUMNS = `, c.channel AS thread_channel, thread_contact.name AS thread_contact_name, c.ended_at AS thread_ended_at,
  EXISTS (SELECT 1 FROM participants cp WHERE cp.conversation_id = c.id AND cp.user_id = @userId AND cp.left_at IS NULL) AS thread_current `

export interface SearchRow extends MessageRow {
  snippet: string
  thread_channel: string
  thread_contact_name: string
  thread_ended_at: number | null
  /** 1 when the user is a current participant (else: an ended thread they took part in). */
  thread_current: number
}

/**
 * Full-text search, newest first (bm25 ranking is O(matches), see TOOLCHAIN.md), limited to the
 * conversations `userId` may read (the same rule as opening them). The last query word matches as a prefix
 * (served by the FTS prefix index of migration 0060). Pages continue after `beforeMessageId`, the last hit's id.
 */
export function searchMessageRows(db: Db, userId: string, query: string, limit: number, beforeMessageId?: string): SearchRow[] {
  const words = query
    .split(/\s+/)
    .map((w) => w.replace(/["*^:()]/g, ''))
    .filter((w) => w !== '')
  if (words.length === 0) return []
  // The last word is matched as a prefix (the user may still be typing it); prefix-matching every
  // word made multi-word searches over 1M messages take ~1 s.
  const match = words.map((w, i) => (i === words.length - 1 ? `"${w}"*` : `"${w}"`)).join(' ')
  return statements(db)
    .prepare(
      `${MESSAGE_SELECT.replace('FROM messages m', `${SNIPPET_COLUMN}${THREAD_COLUMNS}${SNIPPET_FROM}`)}
       JOIN conversations c ON c.id = m.conversation_id
       JOIN contacts thread_contact ON thread_contact.id = c.contact_id
       WHERE messages_fts MATCH @match AND ${readableBy('c.id', 'c.ended_at')}
         ${beforeMessageId === undefined ? '' : 'AND f.rowid < (SELECT seq FROM messages WHERE id = @before)'}
       ORDER BY f.rowid DESC LIMIT @limit`,
    )
    .all({ match, userId, limit, ...(beforeMessageId === undefined ? {} : { before: beforeMessageId }) }) as SearchRow[]
}
