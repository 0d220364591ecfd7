import Database from 'better-sqlite3'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DatabaseTooNewError, latestVersion, migrate, schemaVersion } from './migrate'
import type { Migration } from './migration'
import { MIGRATIONS } from './migrations'

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
/** A copy being written has this name until it is complete and on disk. */
const UNFINISHED_COPY = `${DATABASE_FILE}.copying`

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Writes a consistent copy of the database to `backup`. VACUUM INTO writes straight into its
 * target and does not sync it, so a crash or power cut mid-copy would leave a damaged file under
 * a name the damaged-database advice points to. The copy is written as `greenline.db.copying`,
 * synced, and only then renamed: a file named `…before-v…` is always complete. What an
 * interrupted start left (the unfinished copy and its journal) is removed first.
 */
function copyAside(db: Db, backup: string): void {
  const dir = dirname(backup)
  const partial = join(dir, UNFINISHED_COPY)
  for (const leftover of [partial, `${partial}-journal`]) rmSync(leftover, { force: true })
  db.prepare('VACUUM INTO ?').run(partial)
  fsyncPath(partial)
  renameSync(partial, backup)
  try {
    fsyncPath(dir) // the rename itself survives a power cut (not possible on Windows: best effort)
  } catch {
    /* Windows cannot open a folder for syncing */
  }
}

/**
 * Opens (creating if needed) `<dataDir>/greenline.db` in WAL mode with foreign keys on and brings
 * its schema up to date. Before an existing database is migrated, a consistent copy is written
 * beside it (`greenline.db.before-v<N>`). Throws DatabaseTooNewError for a newer file.
 */
export function openDatabase(dataDir: string, options: { now?: () => number; migrations?: readonly Migration[] } = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS
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
    if (found > latestVersion(migrations)) throw new DatabaseTooNewError(found, latestVersion(migrations))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // Savepoints (each webhook delivery in a group commit has one) keep the pages they change in a
    // statement journal: in a temp file by default, which cost ~70 µs a delivery here (issue 21).
    db.pragma('temp_store = MEMORY')
    // Each migration commits together with its user_version, so a kill mid-migration leaves the
    // previous version whole and the next start runs that migration again.
    migrate(db, {
      migrations,
      beforeMigrating: (from) => {
        const backup = join(dirname(path), `${DATABASE_FILE}.before-v${from}-${options.now?.() ?? 0}`)
        if (!existsSync(backup)) copyAside(db, backup)
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
