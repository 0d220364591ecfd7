import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseTooNewError, latestVersion, migrate, schemaVersion } from '../../../electron/core/db/migrate'
import type { Migration } from '../../../electron/core/db/migration'
import { MIGRATIONS } from '../../../electron/core/db/migrations'
import { DATABASE_FILE, openDatabase } from '../../../electron/core/db/open'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-db-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')
const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name)

describe('migrations', () => {
  it('migrates an empty database to the latest schema, in WAL mode with foreign keys, without a backup', () => {
    const dir = tempDir()
    const db = openDatabase(dir)
    expect(schemaVersion(db)).toBe(latestVersion())
    expect(latestVersion()).toBe(MIGRATIONS.at(-1)!.version)
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'contacts',
        'consents',
        'conversations',
        'participants',
        'messages',
        'messages_fts',
        'outbox',
        'media',
        'webhook_events',
        'audit_log',
        'org_users',
        'whatsapp_users',
      ]),
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    // Savepoints' statement journals in memory, not a temp file per group commit (2 = MEMORY).
    expect(db.pragma('temp_store', { simple: true })).toBe(2)
    db.close()
    expect(readdirSync(dir).filter((f) => f.includes('.before-v'))).toEqual([])
    // Opening again changes nothing.
    const again = openDatabase(dir)
    expect(schemaVersion(again)).toBe(latestVersion())
    again.close()
  })

  it('refuses a database written by a newer version and leaves the file untouched', () => {
    const dir = tempDir()
    const path = join(dir, DATABASE_FILE)
    const newer = new Database(path)
    newer.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('kept')")
    newer.pragma(`user_version = ${latestVersion() + 10}`)
    newer.close()
    const before = sha(path)

    expect(() => openDatabase(dir)).toThrow(DatabaseTooNewError)
    try {
      openDatabase(dir)
    } catch (error) {
      expect((error as DatabaseTooNewError).found).toBe(latestVersion() + 10)
      expect((error as Error).message).toMatch(/newer version of Greenline/)
    }
    expect(sha(path)).toBe(before)
    const check = new Database(path, { readonly: true })
    expect(schemaVersion(check)).toBe(latestVersion() + 10)
    expect(tables(check)).toEqual(['future'])
    check.close()
  })

  it('runs only the missing migrations, each in a transaction, and asks for a backup first', () => {
    const db = new Database(':memory:')
    const added: Migration = {
      version: latestVersion() + 10,
      name: 'add-nickname',
      up: (d) => d.exec('ALTER TABLE contacts ADD COLUMN nickname TEXT'),
    }
    expect(migrate(db)).toEqual({ from: 0, to: latestVersion() })
    db.prepare(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('c1', 'Ana', 1, 1)`).run()
    const backups: number[] = []
    expect(migrate(db, { migrations: [...MIGRATIONS, added], beforeMigrating: (from) => backups.push(from) })).toEqual({
      from: latestVersion(),
      to: added.version,
    })
    expect(backups).toEqual([latestVersion()])
    expect(db.prepare('SELECT name, nickname FROM contacts').get()).toEqual({ name: 'Ana', nickname: null })

    // A migration that fails leaves the schema and the version as they were.
    const broken: Migration = {
      version: added.version + 10,
      name: 'broken',
      up: (d) => {
        d.exec('ALTER TABLE contacts ADD COLUMN half TEXT')
        throw new Error('boom')
      },
    }
    expect(() => migrate(db, { migrations: [...MIGRATIONS, added, broken] })).toThrow('boom')
    expect(schemaVersion(db)).toBe(added.version)
    expect((db.prepare('PRAGMA table_info(contacts)').all() as Array<{ name: string }>).map((c) => c.name)).not.toContain('half')
    db.close()
  })

  it('copies an existing database aside before migrating it', async () => {
    const dir = tempDir()
    // An "older" install: the schema as of the current latest, with data in it.
    const old = openDatabase(dir, { now: () => 1 })
    old.prepare(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('c1', 'Ana Souza', 1, 1)`).run()
    old.close()
    // This build knows one more migration (simulated by a module with a longer list).
    const { vi } = await import('vitest')
    vi.resetModules()
    vi.doMock('../../../electron/core/db/migrations', () => ({
      MIGRATIONS: [
        ...MIGRATIONS,
        {
          version: latestVersion() + 10,
          name: 'add-nickname',
          up: (d: Database.Database) => d.exec('ALTER TABLE contacts ADD COLUMN nickname TEXT'),
        },
      ],
    }))
    const fresh = await import('../../../electron/core/db/open')
    const db = fresh.openDatabase(dir, { now: () => 1234 })
    expect(schemaVersion(db)).toBe(latestVersion() + 10)
    db.close()
    vi.doUnmock('../../../electron/core/db/migrations')
    vi.resetModules()

    const backups = readdirSync(dir).filter((f) => f.startsWith(`${DATABASE_FILE}.before-v${latestVersion()}`))
    expect(backups).toHaveLength(1)
    const copy = new Database(join(dir, backups[0]), { readonly: true })
    expect(schemaVersion(copy)).toBe(latestVersion())
    expect(copy.prepare('SELECT name FROM contacts').all()).toEqual([{ name: 'Ana Souza' }])
    copy.close()
  })
})
