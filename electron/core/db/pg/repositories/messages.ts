import type { MessageStatus } from '../../../../shared/domain'
import { cleanBody } from '../../../../shared/text'
import { MESSAGE_SELECT, type MessageRow, type MessageUpdate, type NewMessage, type SearchRow } from '../../repositories/messages'
import type { PgQueryable } from '../pool'
import { searchMessages } from '../search'

// PostgreSQL twin of ../../repositories/messages.ts (the search itself is pg/search.ts).

const rowsOf = async (db: PgQueryable, sql: string, values: unknown[]) => (await db.query<MessageRow>(sql, values)).rows

/** Inserts and returns the new row's seq (its position in the global, time-ordered sequence). */
export async function insertMessage(db: PgQueryable, m: NewMessage): Promise<number> {
  const { rows } = await db.query<{ seq: number }>(
    `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, media_id, media_state, provider_media_id, extra,
       status, hold_reason, provider_id, reply_to_provider_id, client_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING seq`,
    [
      m.id,
      m.conversationId,
      m.direction,
      m.authorId ?? null,
      m.kind,
      // Control characters never reach storage (they could spoof the search highlighter's markers).
      m.body === undefined || m.body === null ? null : cleanBody(m.body),
      m.mediaId ?? null,
      m.mediaState ?? null,
      m.providerMediaId ?? null,
      m.extra ? JSON.stringify(m.extra) : null,
      m.status,
      m.holdReason ?? null,
      m.providerId ?? null,
      m.replyToProviderId ?? null,
      m.clientId ?? null,
      m.createdAt,
    ],
  )
  return rows[0].seq
}

export async function getMessageRow(db: PgQueryable, id: string): Promise<MessageRow | undefined> {
  return (await rowsOf(db, `${MESSAGE_SELECT} WHERE m.id = $1`, [id]))[0]
}

export async function getMessageRowByProviderId(db: PgQueryable, providerId: string): Promise<MessageRow | undefined> {
  return (await rowsOf(db, `${MESSAGE_SELECT} WHERE m.provider_id = $1`, [providerId]))[0]
}

export async function getMessageRowByClientId(db: PgQueryable, conversationId: string, clientId: string): Promise<MessageRow | undefined> {
  return (await rowsOf(db, `${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.client_id = $2`, [conversationId, clientId]))[0]
}

/** A page of a thread, oldest first; `beforeSeq` is the cursor of the oldest message already shown. */
export async function listMessageRows(
  db: PgQueryable,
  conversationId: string,
  options: { beforeSeq?: number; limit?: number } = {},
): Promise<MessageRow[]> {
  const rows = await rowsOf(
    db,
    `${MESSAGE_SELECT} WHERE m.conversation_id = $1 AND m.seq < $2 AND m.kind <> 'reaction' ORDER BY m.seq DESC LIMIT $3`,
    [conversationId, options.beforeSeq ?? Number.MAX_SAFE_INTEGER, options.limit ?? 50],
  )
  return rows.reverse()
}

const TIME_COLUMN: Partial<Record<MessageStatus, string>> = {
  sent: 'sent_at',
  delivered: 'delivered_at',
  read: 'read_at',
  failed: 'failed_at',
}

export async function updateMessage(db: PgQueryable, id: string, update: MessageUpdate): Promise<void> {
  const values: unknown[] = [id, update.now]
  const sets = ['updated_at = $2']
  const set = (column: string, value: unknown) => {
    values.push(value)
    sets.push(`${column} = $${values.length}`)
  }
  if (update.status !== undefined) {
    set('status', update.status)
    const column = TIME_COLUMN[update.status]
    if (column) sets.push(`${column} = COALESCE(${column}, $2)`)
  }
  if (update.holdReason !== undefined) set('hold_reason', update.holdReason)
  if (update.error !== undefined) set('error', update.error)
  if (update.errorCode !== undefined) set('error_code', update.errorCode)
  if (update.providerId !== undefined) set('provider_id', update.providerId)
  if (update.mediaState !== undefined) set('media_state', update.mediaState)
  if (update.mediaId !== undefined) set('media_id', update.mediaId)
  if (update.body !== undefined) set('body', update.body)
  await db.query(`UPDATE messages SET ${sets.join(', ')} WHERE id = $1`, values)
}

export async function setMessageExtra(db: PgQueryable, id: string, extra: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE messages SET extra = $1 WHERE id = $2', [JSON.stringify(extra), id])
}

/** Records the time of a status that arrived after a later one (e.g. delivered after read). */
export async function recordStatusTime(db: PgQueryable, id: string, status: MessageStatus, at: number): Promise<void> {
  const column = TIME_COLUMN[status]
  if (column) await db.query(`UPDATE messages SET ${column} = COALESCE(${column}, $1) WHERE id = $2`, [at, id])
}

export async function unreadInboundProviderIds(db: PgQueryable, conversationId: string, limit = 1): Promise<string[]> {
  const { rows } = await db.query<{ provider_id: string }>(
    `SELECT provider_id FROM messages WHERE conversation_id = $1 AND direction = 'in' AND provider_id IS NOT NULL ORDER BY seq DESC LIMIT $2`,
    [conversationId, limit],
  )
  return rows.map((r) => r.provider_id)
}

export async function pendingMediaDownloads(db: PgQueryable, limit = 50): Promise<MessageRow[]> {
  return rowsOf(
    db,
    `${MESSAGE_SELECT} WHERE m.media_state IN ('downloading','failed') AND m.provider_media_id IS NOT NULL ORDER BY m.seq LIMIT $1`,
    [limit],
  )
}

// Reactions

export async function setReaction(db: PgQueryable, messageId: string, actor: string, emoji: string | null, at: number): Promise<void> {
  if (emoji) {
    await db.query(
      `INSERT INTO reactions (message_id, actor, emoji, at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id, actor) DO UPDATE SET emoji = excluded.emoji, at = excluded.at WHERE excluded.at >= reactions.at`,
      [messageId, actor, emoji, at],
    )
  } else {
    await db.query('DELETE FROM reactions WHERE message_id = $1 AND actor = $2 AND at <= $3', [messageId, actor, at])
  }
}

export async function reactionsFor(
  db: PgQueryable,
  messageIds: readonly string[],
): Promise<Map<string, Array<{ emoji: string; by: string; at: number }>>> {
  const map = new Map<string, Array<{ emoji: string; by: string; at: number }>>()
  if (messageIds.length === 0) return map
  const { rows } = await db.query<{ message_id: string; actor: string; emoji: string; at: number }>(
    'SELECT message_id, actor, emoji, at FROM reactions WHERE message_id = ANY($1::text[]) ORDER BY at DESC',
    [[...messageIds]],
  )
  for (const row of rows) {
    const list = map.get(row.message_id) ?? []
    list.push({ emoji: row.emoji, by: row.actor, at: row.at })
    map.set(row.message_id, list)
  }
  return map
}

export async function bodiesByProviderId(
  db: PgQueryable,
  providerIds: readonly string[],
): Promise<Map<string, { id: string; body: string | null; kind: string }>> {
  const map = new Map<string, { id: string; body: string | null; kind: string }>()
  if (providerIds.length === 0) return map
  const { rows } = await db.query<{ id: string; provider_id: string; body: string | null; kind: string }>(
    'SELECT id, provider_id, body, kind FROM messages WHERE provider_id = ANY($1::text[])',
    [[...providerIds]],
  )
  for (const row of rows) map.set(row.provider_id, { id: row.id, body: row.body, kind: row.kind })
  return map
}

/**
 * Full-text search, newest first, in the conversations `userId` may read: the hits of
 * `pg/search.ts` (every word, the last as a prefix) as message rows with their snippet and the
 * thread each is in. Pages continue after `beforeMessageId`, the last hit's id.
 */
export async function searchMessageRows(
  db: PgQueryable,
  userId: string,
  query: string,
  limit: number,
  beforeMessageId?: string,
): Promise<SearchRow[]> {
  let beforeSeq: number | undefined
  if (beforeMessageId !== undefined) {
    beforeSeq = (await db.query<{ seq: number }>('SELECT seq FROM messages WHERE id = $1', [beforeMessageId])).rows[0]?.seq
    if (beforeSeq === undefined) return []
  }
  const hits = await searchMessages(db, userId, query, limit, beforeSeq)
  if (hits.length === 0) return []
  const snippets = new Map(hits.map((hit) => [hit.seq, hit.snippet]))
  const { rows } = await db.query<Omit<SearchRow, 'snippet'>>(
    `${MESSAGE_SELECT.replace(
      'FROM messages m',
      `, c.channel AS thread_channel, thread_contact.name AS thread_contact_name, c.ended_at AS thread_ended_at,
         (EXISTS (SELECT 1 FROM participants cp WHERE cp.conversation_id = c.id AND cp.user_id = $2 AND cp.left_at IS NULL))::int AS thread_current
       FROM messages m`,
    )}
     JOIN conversations c ON c.id = m.conversation_id
     JOIN contacts thread_contact ON thread_contact.id = c.contact_id
     WHERE m.seq = ANY($1::bigint[]) ORDER BY m.seq DESC`,
    [hits.map((hit) => hit.seq), userId],
  )
  return rows.map((row) => ({ ...row, snippet: snippets.get(row.seq) ?? '' }))
}
