import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Contact, Conversation, Message } from '../shared/domain'
import type { SyncValue } from '../shared/api/sync'

export type Db = Database.Database

/** How many of each thread's newest messages the device keeps; older ones are paged from the server. */
export const MESSAGE_WINDOW = 200

export const LOCAL_STORE_FILE = 'team-client.db'

const SCHEMA_VERSION = 2

/**
 * The desktop's copy of what the signed-in user sees on the team server: conversations, a window
 * of recent messages per thread, contacts, thumbnails, the catch-up cursor, and the offline
 * outbox (outbox.ts). It opens without the network, so the app shows the last known state at once
 * and searches what it holds. The server stays the source of truth: everything here but the
 * outbox can be thrown away and rebuilt by a snapshot.
 */
export function openLocalStore(dir: string): Db {
  mkdirSync(dir, { recursive: true })
  const db = new Database(join(dir, LOCAL_STORE_FILE))
  db.pragma('journal_mode = WAL')
  // FULL: an outbox row written before "sent" is shown must survive a power cut, not only a crash.
  db.pragma('synchronous = FULL')
  db.pragma('busy_timeout = 5000')
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) throw new Error(`${LOCAL_STORE_FILE} was written by a newer Greenline; update the app`)
  if (version < 1) {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE conversations (id TEXT PRIMARY KEY, last_activity_at INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE INDEX conversations_activity ON conversations(last_activity_at DESC);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX messages_thread ON messages(conversation_id, seq);
      CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
        INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts(messages_fts, rowid, body) SELECT 'delete', old.rowid, old.body WHERE old.body IS NOT NULL;
        INSERT INTO messages_fts(rowid, body) SELECT new.rowid, new.body WHERE new.body IS NOT NULL;
      END;
      CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT NOT NULL, data TEXT NOT NULL);
      CREATE TABLE thumbnails (media_id TEXT PRIMARY KEY, mime_type TEXT NOT NULL, bytes BLOB NOT NULL);
      CREATE TABLE outbox (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        client_id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        text TEXT,
        caption TEXT,
        picture BLOB,
        picture_name TEXT,
        state TEXT NOT NULL CHECK (state IN ('waiting','sent','failed')),
        message_id TEXT,
        error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX outbox_waiting ON outbox(user_id, state, position);
      PRAGMA user_version = 1;
    `)
  }
  if (version < 2) {
    // A window's send written offline keeps what the server needs to send it as the window asked:
    // the quoted message, and a picture the server already holds (uploaded before the drop).
    // Media read from the server (pictures, voicemail) are kept within a byte budget (media-cache.ts).
    db.transaction(() =>
      db.exec(`
        ALTER TABLE outbox ADD COLUMN reply_to TEXT;
        ALTER TABLE outbox ADD COLUMN media_id TEXT;
        CREATE TABLE media_cache (
          media_id TEXT PRIMARY KEY,
          mime_type TEXT NOT NULL,
          bytes BLOB NOT NULL,
          size INTEGER NOT NULL,
          used_at INTEGER NOT NULL
        );
        CREATE INDEX media_cache_used ON media_cache(used_at);
        PRAGMA user_version = 2;
      `),
    )()
  }
  return db
}

function getMeta(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined) ?? undefined
}

function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
}

export function storedUser(db: Db): string | undefined {
  return getMeta(db, 'user_id')
}

/**
 * Makes the cached view belong to `userId`. Another user's cache is dropped (a shared computer,
 * a colleague signing in); the outbox is not: its rows carry their author and wait for them.
 */
export function bindUser(db: Db, userId: string): void {
  if (storedUser(db) === userId) return
  db.transaction(() => {
    db.exec('DELETE FROM conversations; DELETE FROM messages; DELETE FROM contacts; DELETE FROM thumbnails; DELETE FROM media_cache')
    db.prepare("DELETE FROM meta WHERE key IN ('cursor', 'session')").run()
    setMeta(db, 'user_id', userId)
  })()
}

/** The server's last `session:get` answer for this user, so the app opens offline as them. */
export function saveSession(db: Db, session: unknown): void {
  setMeta(db, 'session', JSON.stringify(session))
}

export function loadSession(db: Db): unknown {
  const saved = getMeta(db, 'session')
  return saved === undefined ? undefined : (JSON.parse(saved) as unknown)
}

export function cursor(db: Db): number {
  return Number(getMeta(db, 'cursor') ?? 0)
}

export function upsertConversations(db: Db, conversations: readonly Conversation[]): void {
  const statement = db.prepare(
    `INSERT INTO conversations(id, last_activity_at, data) VALUES (@id, @at, @data)
     ON CONFLICT(id) DO UPDATE SET last_activity_at = excluded.last_activity_at, data = excluded.data`,
  )
  for (const c of conversations) statement.run({ id: c.id, at: c.lastActivityAt, data: JSON.stringify(c) })
}

export function removeConversations(db: Db, ids: readonly string[]): void {
  for (const id of ids) {
    db.prepare('DELETE FROM messages WHERE conversation_id = ?').run(id)
    db.prepare('DELETE FROM conversations WHERE id = ?').run(id)
  }
}

/** Stores messages (newer states win over older) and trims each thread to its window. */
export function upsertMessages(db: Db, messages: readonly Message[]): void {
  const statement = db.prepare(
    `INSERT INTO messages(id, conversation_id, seq, body, data) VALUES (@id, @conversationId, @seq, @body, @data)
     ON CONFLICT(id) DO UPDATE SET body = excluded.body, data = excluded.data`,
  )
  const threads = new Set<string>()
  for (const m of messages) {
    const body = [m.text, typeof m.extra?.caption === 'string' ? m.extra.caption : undefined].filter(Boolean).join('\n') || null
    statement.run({ id: m.id, conversationId: m.conversationId, seq: m.seq, body, data: JSON.stringify(m) })
    threads.add(m.conversationId)
  }
  const trim = db.prepare(
    `DELETE FROM messages WHERE conversation_id = @id AND seq < (
       SELECT seq FROM messages WHERE conversation_id = @id ORDER BY seq DESC LIMIT 1 OFFSET @keep)`,
  )
  for (const id of threads) trim.run({ id, keep: MESSAGE_WINDOW - 1 })
}

export function upsertContacts(db: Db, contacts: readonly Contact[]): void {
  const statement = db.prepare(
    'INSERT INTO contacts(id, name, data) VALUES (@id, @name, @data) ON CONFLICT(id) DO UPDATE SET name = excluded.name, data = excluded.data',
  )
  for (const c of contacts) statement.run({ id: c.id, name: c.name, data: JSON.stringify(c) })
}

export function removeContacts(db: Db, ids: readonly string[]): void {
  for (const id of ids) db.prepare('DELETE FROM contacts WHERE id = ?').run(id)
}

/** Applies one catch-up answer in one transaction, cursor included: a crash leaves old or new, never half. */
export function applySync(db: Db, value: SyncValue): void {
  db.transaction(() => {
    if (value.snapshot) db.exec('DELETE FROM conversations; DELETE FROM messages; DELETE FROM contacts')
    removeConversations(db, value.removedConversations)
    upsertConversations(db, value.conversations)
    upsertMessages(db, value.messages)
    removeContacts(db, value.removedContacts)
    upsertContacts(db, value.contacts)
    setMeta(db, 'cursor', String(value.cursor))
  })()
}

export function listConversations(db: Db): Conversation[] {
  return (db.prepare('SELECT data FROM conversations ORDER BY last_activity_at DESC').pluck().all() as string[]).map(
    (data) => JSON.parse(data) as Conversation,
  )
}

/** The thread's newest messages held here, oldest first. */
export function listMessages(db: Db, conversationId: string, limit = 50): Message[] {
  const rows = db
    .prepare('SELECT data FROM messages WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?')
    .pluck()
    .all(conversationId, limit) as string[]
  return rows.reverse().map((data) => JSON.parse(data) as Message)
}

export function listContacts(db: Db): Contact[] {
  return (db.prepare('SELECT data FROM contacts ORDER BY name COLLATE NOCASE').pluck().all() as string[]).map(
    (data) => JSON.parse(data) as Contact,
  )
}

/** Full-text search over the messages this device holds (each word a prefix), newest first. */
export function searchMessages(db: Db, query: string, limit = 50): Message[] {
  const words = query.match(/[\p{L}\p{N}]+/gu) ?? []
  if (words.length === 0) return []
  const match = words.map((w) => `"${w}"*`).join(' ')
  const rows = db
    .prepare(
      `SELECT m.data FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
       WHERE messages_fts MATCH ? ORDER BY m.seq DESC LIMIT ?`,
    )
    .pluck()
    .all(match, limit) as string[]
  return rows.map((data) => JSON.parse(data) as Message)
}

export function saveThumbnail(db: Db, mediaId: string, mimeType: string, bytes: Uint8Array): void {
  db.prepare('INSERT OR REPLACE INTO thumbnails(media_id, mime_type, bytes) VALUES (?, ?, ?)').run(mediaId, mimeType, Buffer.from(bytes))
}

export function getThumbnail(db: Db, mediaId: string): { mimeType: string; bytes: Buffer } | undefined {
  const row = db.prepare('SELECT mime_type, bytes FROM thumbnails WHERE media_id = ?').get(mediaId) as
    { mime_type: string; bytes: Buffer } | undefined
  return row && { mimeType: row.mime_type, bytes: row.bytes }
}
