import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../../electron/core/db/migrate'
import { MIGRATIONS } from '../../../electron/core/db/migrations'

describe('@operations migration 0050: account health', () => {
  it('keeps held messages, accepts the account_paused hold reason and still refuses unknown ones', () => {
    const db = new Database(':memory:')
    migrate(db, { migrations: MIGRATIONS.filter((m) => m.version < 50) })
    db.exec(`
      INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('c1', 'Ana', 1, 1);
      INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ('v1', 'c1', 'whatsapp', 1, 1);
      INSERT INTO messages (id, conversation_id, direction, kind, body, status, hold_reason, created_at, updated_at)
        VALUES ('m1', 'v1', 'out', 'text', 'hello', 'held', 'awaiting_reply', 1, 1);
    `)
    expect(() => db.prepare(`UPDATE messages SET hold_reason = 'account_paused' WHERE id = 'm1'`).run()).toThrow(
      'invalid messages.hold_reason',
    )
    migrate(db)
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(50)
    expect(db.prepare('SELECT hold_reason FROM messages').get()).toEqual({ hold_reason: 'awaiting_reply' })
    db.prepare(`UPDATE messages SET hold_reason = 'account_paused' WHERE id = 'm1'`).run()
    expect(() => db.prepare(`UPDATE messages SET hold_reason = 'later' WHERE id = 'm1'`).run()).toThrow('invalid messages.hold_reason')
    db.prepare(`INSERT INTO account_health (phone_number_id, code, reason, since) VALUES ('106540352242922', 131031, 'locked', 5)`).run()
    expect(db.prepare('SELECT code, reason FROM account_health').get()).toEqual({ code: 131031, reason: 'locked' })
    db.close()
  })
})
