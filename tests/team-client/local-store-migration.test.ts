// @team-client: the device's local store migrates forward and keeps its unsent outbox.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { LOCAL_STORE_FILE, openLocalStore } from '../../electron/team-client/local-store'
import { enqueue, pendingEntries } from '../../electron/team-client/outbox'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

it('version 1 → 2: an entry written by the older app is still sent; new entries keep their quote and server picture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-local-store-'))
  dirs.push(dir)
  // A version-1 store: today's schema without what version 2 added, with an unsent entry in it.
  openLocalStore(dir).close()
  const old = new Database(join(dir, LOCAL_STORE_FILE))
  old.exec(
    'ALTER TABLE outbox DROP COLUMN reply_to; ALTER TABLE outbox DROP COLUMN media_id; DROP TABLE media_cache; PRAGMA user_version = 1',
  )
  old
    .prepare(
      "INSERT INTO outbox(client_id, user_id, conversation_id, text, state, created_at) VALUES ('c-old', 'priya', 'v1', 'from 1.0', 'waiting', 1)",
    )
    .run()
  old.close()

  const db = openLocalStore(dir)
  expect(db.pragma('user_version', { simple: true })).toBe(2)
  enqueue(db, { userId: 'priya', conversationId: 'v1', caption: 'shelf', mediaId: 'a'.repeat(64), replyTo: 'm7', clientId: 'c-new' }, 2)
  expect(pendingEntries(db, 'priya')).toEqual([
    expect.objectContaining({ clientId: 'c-old', text: 'from 1.0', state: 'waiting' }),
    expect.objectContaining({ clientId: 'c-new', mediaId: 'a'.repeat(64), replyTo: 'm7', caption: 'shelf' }),
  ])
  // The same clientId again answers the entry already written; another user's is refused.
  expect(enqueue(db, { userId: 'priya', conversationId: 'v1', text: 'again', clientId: 'c-old' }, 3).text).toBe('from 1.0')
  expect(() => enqueue(db, { userId: 'sam', conversationId: 'v1', text: 'mine?', clientId: 'c-old' }, 3)).toThrow(/another user/)
  expect(pendingEntries(db, 'priya')).toHaveLength(2)
  db.close()
})
