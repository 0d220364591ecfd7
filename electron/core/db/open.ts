import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DatabaseTooNewError, latestVersion, migrate, schemaVersion } from './migrate'

export type Db = Database.Database

/** The database file is damaged; the message says, in words, what to do and where copies are. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly backups: string[],
    cause: unknown,
  ) {
    const advice = backups.length
      ? `Quit Greenline, move ${path} aside, and rename the newest copy made before an upgrade (${backups.at(-1)}) to ${DATABASE_FILE}. Copies found: ${backups.join(', ')}.`
      : `Quit Greenline, move ${path} aside and restore it from your backup; without one, Greenline starts with an empty database.`
    super(`The Greenline database is damaged and cannot be read (${String((cause as Error)?.message ?? cause)}). ${advice}`, { cause })
    this.name = 'DatabaseDamagedError'
  }
}

const DAMAGED_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_INDEX'])

function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && DAMAGED_CODES.has(code)
}

/** The copies written before migrations, oldest first (their names end with the time they were made). */
function backupsBeside(path: string): string[] {
  const dir = dirname(path)
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${DATABASE_FILE}.before-v`))
    .sort((a, b) => Number(a.split('-').at(-1)) - Number(b.split('-').at(-1)) || a.localeCompare(b))
    .map((name) => join(dir, name))
}

export const DATABASE_FILE = 'greenline.db'

/**
 * Opens (creating if needed) `<dataDir>/greenline.db` in WAL mode with foreign keys on and brings
 * its schema up to date. Before an existing database is migrated, a consistent copy is written
 * beside it (`greenline.db.before-v<N>`). Throws DatabaseTooNewError for a newer file.
 */
export function openDatabase(dataDir: string, options: { now?: () => number } = {}): Db {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, DATABASE_FILE)
  let db: Db
  try {
    db = new Database(path)
  } catch (error) {
    throw isDamage(error) ? new DatabaseDamagedError(path, backupsBeside(path), error) : error
  }
  try {
    // Checked before anything writes: switching to WAL alone would already change a newer file.
    const found = schemaVersion(db)
    if (found > latestVersion()) throw new DatabaseTooNewError(found, latestVersion())
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    migrate(db, {
      beforeMigrating: (from) => {
        const backup = join(dirname(path), `${DATABASE_FILE}.before-v${from}-${options.now?.() ?? 0}`)
        if (!existsSync(backup)) db.prepare('VACUUM INTO ?').run(backup)
      },
    })
    return db
  } catch (error) {
    db.close()
    throw isDamage(error) ? new DatabaseDamagedError(path, backupsBeside(path), error) : error
  }
}

/** An in-memory database with the full schema, for tests. */
export function openMemoryDatabase(): Db {
  const db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db)
  return db
}
