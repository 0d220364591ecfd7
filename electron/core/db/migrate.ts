import type Database from 'better-sqlite3'
import type { Migration } from './migration'
import { MIGRATIONS } from './migrations'

export class DatabaseTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database was written by a newer version of Greenline (schema ${found}; this version understands up to ${supported}). Update Greenline, or open a different data folder.`,
    )
    this.name = 'DatabaseTooNewError'
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0
}

/**
 * Brings the schema up to `target` (default: the newest), each migration in its own transaction.
 * `beforeMigrating` runs once, only when an existing (non-empty) database is about to change.
 * Throws DatabaseTooNewError, leaving the file untouched, when the file is newer than this code.
 */
export function migrate(
  db: Database.Database,
  options: { target?: number; migrations?: readonly Migration[]; beforeMigrating?: (from: number) => void } = {},
): { from: number; to: number } {
  const migrations = options.migrations ?? MIGRATIONS
  const newest = latestVersion(migrations)
  const target = options.target ?? newest
  const from = schemaVersion(db)
  if (from > newest) throw new DatabaseTooNewError(from, newest)
  const pending = migrations.filter((m) => m.version > from && m.version <= target)
  if (pending.length === 0) return { from, to: from }
  if (from > 0) options.beforeMigrating?.(from)
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return { from, to: schemaVersion(db) }
}
