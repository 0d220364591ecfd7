import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate, schemaVersion } from '../../../electron/core/db/migrate'
import { MIGRATIONS } from '../../../electron/core/db/migrations'
import { getContact } from '../../../electron/core/db/repositories/contacts'

describe('@operations migration 0080: a contact’s language', () => {
  it('keeps contacts saved before (no language: the org default applies), then stores WhatsApp codes only', () => {
    const db = new Database(':memory:')
    migrate(db, { migrations: MIGRATIONS.filter((m) => m.version < 80) })
    db.exec(`INSERT INTO contacts (id, name, phone, created_at, updated_at) VALUES ('c1', 'Ana Souza', '+14155550101', 1, 1)`)
    migrate(db)
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(80)
    expect(getContact(db, 'c1')).toEqual({ id: 'c1', name: 'Ana Souza', phone: '+14155550101', createdAt: 1, updatedAt: 1 })
    db.prepare(`UPDATE contacts SET language = 'pt_BR' WHERE id = 'c1'`).run()
    expect(getContact(db, 'c1')?.language).toBe('pt_BR')
    expect(() => db.prepare(`UPDATE contacts SET language = 'Portuguese (Brazil)' WHERE id = 'c1'`).run()).toThrow(/CHECK/)
    db.close()
  })
})
