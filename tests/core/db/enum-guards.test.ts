import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../../electron/core/db/migrate'
import { MIGRATIONS } from '../../../electron/core/db/migrations'
import { OUTBOX_KINDS } from '../../../electron/core/db/repositories/outbox'
import { HOLD_REASONS, MEDIA_STATES, MESSAGE_KINDS, MESSAGE_STATUSES } from '../../../electron/shared/domain'

const before20 = MIGRATIONS.filter((m) => m.version < 20)

function seeded(): Database.Database {
  const db = new Database(':memory:')
  migrate(db, { migrations: before20 })
  db.exec(`
    INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('c1', 'Ana', 1, 1);
    INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ('v1', 'c1', 'whatsapp', 1, 1);
    INSERT INTO messages (id, conversation_id, direction, kind, body, status, hold_reason, created_at, updated_at)
      VALUES ('m1', 'v1', 'out', 'text', 'hello', 'held', 'awaiting_reply', 1, 1);
    INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES ('m1', 'c1', 1, 'text', 'held', 1);
  `)
  return db
}

const insertMessage = (
  db: Database.Database,
  id: string,
  fields: { kind?: string; status?: string; holdReason?: string | null; mediaState?: string | null },
) =>
  db
    .prepare(
      `INSERT INTO messages (id, conversation_id, direction, kind, status, hold_reason, media_state, created_at, updated_at) VALUES (?, 'v1', 'out', ?, ?, ?, ?, 1, 1)`,
    )
    .run(id, fields.kind ?? 'text', fields.status ?? 'queued', fields.holdReason ?? null, fields.mediaState ?? null)

describe('migration 0020: persisted enums are checked by the schema', () => {
  it('keeps the rows written before it and refuses values outside the domain from then on', () => {
    const db = seeded()
    migrate(db)
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version)
    expect(db.prepare('SELECT status, hold_reason FROM messages').get()).toEqual({ status: 'held', hold_reason: 'awaiting_reply' })

    expect(() => insertMessage(db, 'm2', { status: 'delivred' })).toThrow('invalid messages.status')
    expect(() => insertMessage(db, 'm2', { kind: 'gif' })).toThrow('invalid messages.kind')
    expect(() => insertMessage(db, 'm2', { holdReason: 'later' })).toThrow('invalid messages.hold_reason')
    expect(() => insertMessage(db, 'm2', { mediaState: 'lost' })).toThrow('invalid messages.media_state')
    expect(() => db.prepare(`UPDATE messages SET status = 'played' WHERE id = 'm1'`).run()).toThrow('invalid messages.status')
    expect(() => db.prepare(`UPDATE messages SET hold_reason = 'soon' WHERE id = 'm1'`).run()).toThrow('invalid messages.hold_reason')
    expect(() => db.prepare(`UPDATE outbox SET kind = 'fax' WHERE message_id = 'm1'`).run()).toThrow('invalid outbox.kind')
    // The refused statements changed nothing.
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: 1 })
    expect(db.prepare('SELECT status, hold_reason FROM messages').get()).toEqual({ status: 'held', hold_reason: 'awaiting_reply' })
    // Clearing a nullable enum is allowed.
    db.prepare(`UPDATE messages SET status = 'queued', hold_reason = NULL WHERE id = 'm1'`).run()
    db.close()
  })

  // The migration writes its lists out (history never changes); this ties them to the one
  // definition in code, so a value added there needs a migration here.
  it('accepts every value the domain defines', () => {
    const db = seeded()
    migrate(db)
    let n = 0
    for (const status of MESSAGE_STATUSES) insertMessage(db, `s${n++}`, { status })
    for (const kind of MESSAGE_KINDS) insertMessage(db, `s${n++}`, { kind })
    for (const holdReason of HOLD_REASONS) insertMessage(db, `s${n++}`, { status: 'held', holdReason })
    for (const mediaState of MEDIA_STATES) insertMessage(db, `s${n++}`, { kind: 'image', mediaState })
    for (const kind of OUTBOX_KINDS) db.prepare(`UPDATE outbox SET kind = ? WHERE message_id = 'm1'`).run(kind)
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual({ n: n + 1 })
    db.close()
  })
})
