import { randomUUID } from 'node:crypto'
import type { Result } from '../shared/api/result'
import type { Message } from '../shared/domain'
import type { Db } from './local-store'
import { upsertMessages } from './local-store'

export type OutboxState = 'waiting' | 'sent' | 'failed'

/** A message written on this device and not yet confirmed by the server ("waiting for connection"). */
export interface OutboxEntry {
  clientId: string
  userId: string
  conversationId: string
  text?: string
  caption?: string
  /** A picture's bytes wait here too, until the server has them. */
  picture?: { name: string; size: number }
  /** A picture the server already holds (uploaded before the connection dropped). */
  mediaId?: string
  /** The message of the thread this one quotes. */
  replyTo?: string
  state: OutboxState
  /** The server's message id once it confirmed. */
  messageId?: string
  error?: string
  createdAt: number
}

interface OutboxRow {
  client_id: string
  user_id: string
  conversation_id: string
  text: string | null
  caption: string | null
  picture_name: string | null
  picture_size: number | null
  media_id: string | null
  reply_to: string | null
  state: OutboxState
  message_id: string | null
  error: string | null
  created_at: number
}

const COLUMNS =
  'client_id, user_id, conversation_id, text, caption, picture_name, length(picture) AS picture_size, media_id, reply_to, state, message_id, error, created_at'

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    clientId: row.client_id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    ...(row.text !== null ? { text: row.text } : {}),
    ...(row.caption !== null ? { caption: row.caption } : {}),
    ...(row.picture_name !== null ? { picture: { name: row.picture_name, size: row.picture_size ?? 0 } } : {}),
    ...(row.media_id !== null ? { mediaId: row.media_id } : {}),
    ...(row.reply_to !== null ? { replyTo: row.reply_to } : {}),
    state: row.state,
    ...(row.message_id !== null ? { messageId: row.message_id } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    createdAt: row.created_at,
  }
}

export interface OutboxInput {
  userId: string
  conversationId: string
  text?: string
  caption?: string
  picture?: { name: string; bytes: Uint8Array }
  mediaId?: string
  replyTo?: string
  /** The window's own id for this message (made here when absent). */
  clientId?: string
}

/** The clientId is already another user's: never sent, nor shown, as theirs. */
export class ClientIdTaken extends Error {}

/**
 * Writes the message to the device's outbox before anything else happens: from here it survives a
 * crash, a restart and a lost connection, and its `clientId` makes every later attempt the same
 * message to the server. Writing the same clientId again (a window that asked twice) answers the
 * entry already written; a clientId of another user's entry throws `ClientIdTaken`.
 */
export function enqueue(db: Db, input: OutboxInput, now: number): OutboxEntry {
  const clientId = input.clientId ?? randomUUID()
  db.prepare(
    `INSERT INTO outbox(client_id, user_id, conversation_id, text, caption, picture, picture_name, media_id, reply_to, state, created_at)
     VALUES (@clientId, @userId, @conversationId, @text, @caption, @picture, @pictureName, @mediaId, @replyTo, 'waiting', @now)
     ON CONFLICT(client_id) DO NOTHING`,
  ).run({
    clientId,
    userId: input.userId,
    conversationId: input.conversationId,
    text: input.text ?? null,
    caption: input.caption ?? null,
    picture: input.picture ? Buffer.from(input.picture.bytes) : null,
    pictureName: input.picture?.name ?? null,
    mediaId: input.mediaId ?? null,
    replyTo: input.replyTo ?? null,
    now,
  })
  const entry = getEntry(db, clientId)!
  if (entry.userId !== input.userId) throw new ClientIdTaken('This message id belongs to another user')
  return entry
}

export function getEntry(db: Db, clientId: string): OutboxEntry | undefined {
  const row = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE client_id = ?`).get(clientId) as OutboxRow | undefined
  return row && toEntry(row)
}

/** The user's entries not yet confirmed (waiting and failed), in the order they were written. */
export function pendingEntries(db: Db, userId: string): OutboxEntry[] {
  return (
    db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE user_id = ? AND state != 'sent' ORDER BY position`).all(userId) as OutboxRow[]
  ).map(toEntry)
}

/** Counts for the tray: waiting to send and failed, for this user only. */
export function outboxCounts(db: Db, userId: string): { waiting: number; failed: number } {
  const row = db
    .prepare(`SELECT SUM(state = 'waiting') AS waiting, SUM(state = 'failed') AS failed FROM outbox WHERE user_id = ? AND state != 'sent'`)
    .get(userId) as { waiting: number | null; failed: number | null }
  return { waiting: row.waiting ?? 0, failed: row.failed ?? 0 }
}

export interface OutboxTransport {
  request(channel: string, payload: unknown): Promise<Result<unknown>>
  /** Puts a picture on the server (raw bytes over HTTP), answering its media id. */
  uploadPicture(bytes: Uint8Array): Promise<Result<{ mediaId: string }>>
}

/** Errors that say "not now" (connection, server busy) rather than "never": the entry waits. */
const TRANSIENT = new Set(['unavailable', 'internal'])

/**
 * Sends the user's waiting entries in the order they were written, one at a time, each with its
 * `clientId` (the server answers a repeat with the message it already has, so an entry sent just
 * before a crash and sent again after it arrives once). Stops at the first transient failure so
 * nothing overtakes it; an entry the server refuses for good (thread ended, blocked text) is marked
 * failed with the server's words and the next one goes.
 * @returns how many entries the server confirmed in this pass.
 */
export async function flushOutbox(
  db: Db,
  userId: string,
  transport: OutboxTransport,
  onSent: (entry: OutboxEntry, message: Message) => void = () => {},
  onFailed: (entry: OutboxEntry) => void = () => {},
): Promise<number> {
  let confirmed = 0
  const failed = (entry: OutboxEntry, error: string) => {
    markFailed(db, entry.clientId, error)
    onFailed(getEntry(db, entry.clientId) ?? entry)
  }
  for (const entry of pendingEntries(db, userId)) {
    if (entry.state !== 'waiting') continue
    let mediaId = entry.mediaId
    if (entry.picture) {
      const bytes = db.prepare('SELECT picture FROM outbox WHERE client_id = ?').pluck().get(entry.clientId) as Buffer
      const uploaded = await transport.uploadPicture(bytes)
      if (!uploaded.ok) {
        if (TRANSIENT.has(uploaded.error.code)) return confirmed
        failed(entry, uploaded.error.message)
        continue
      }
      mediaId = uploaded.value.mediaId
    }
    const result = await transport.request('messages:send', {
      conversationId: entry.conversationId,
      clientId: entry.clientId,
      ...(entry.text !== undefined ? { text: entry.text } : {}),
      ...(mediaId ? { mediaId } : {}),
      ...(entry.caption !== undefined ? { caption: entry.caption } : {}),
      ...(entry.replyTo !== undefined ? { replyTo: entry.replyTo } : {}),
    })
    if (!result.ok) {
      if (TRANSIENT.has(result.error.code)) return confirmed
      failed(entry, result.error.message)
      continue
    }
    const message = result.value as Message
    db.transaction(() => {
      // The picture's bytes are on the server now; the row stays as the record of what was sent.
      db.prepare("UPDATE outbox SET state = 'sent', message_id = ?, error = NULL, picture = NULL WHERE client_id = ?").run(
        message.id,
        entry.clientId,
      )
      upsertMessages(db, [message])
    })()
    confirmed++
    onSent(entry, message)
  }
  return confirmed
}

function markFailed(db: Db, clientId: string, error: string): void {
  db.prepare("UPDATE outbox SET state = 'failed', error = ? WHERE client_id = ?").run(error, clientId)
}

/** Puts a failed entry back in line (the user pressed "Try again"). */
export function retryEntry(db: Db, userId: string, clientId: string): boolean {
  return (
    db
      .prepare("UPDATE outbox SET state = 'waiting', error = NULL WHERE client_id = ? AND user_id = ? AND state = 'failed'")
      .run(clientId, userId).changes > 0
  )
}

/** Removes an unsent entry (the user cancelled it). */
export function cancelEntry(db: Db, userId: string, clientId: string): boolean {
  return db.prepare("DELETE FROM outbox WHERE client_id = ? AND user_id = ? AND state != 'sent'").run(clientId, userId).changes > 0
}
