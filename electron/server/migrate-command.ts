import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { latestVersion, schemaVersion } from '../core/db/migrate'
import { DATABASE_FILE, openDatabase } from '../core/db/open'
import { migratePg } from '../core/db/pg/migrate'
import { checkReachable, createPgPool, describeDatabaseUrl, isPostgresUrl } from '../core/db/pg/pool'
import { ConfigError, SERVER_FLAGS, resolveServerConfig } from './config'
import { lockDataDir } from './data-dir-lock'

const USAGE = 'Usage: npm run server -- migrate [--data-dir DIR]   (PostgreSQL: set GREENLINE_DATABASE_URL=postgres://…)'

/**
 * `npm run server -- migrate`: brings the database schema up to this version, explicitly, and says
 * what it did. With `GREENLINE_DATABASE_URL=postgres://…` it migrates that PostgreSQL database
 * under an advisory lock (any number of instances may run it at once; one applies each step);
 * without it, the SQLite database of the data directory, which must not be in use by a running
 * server (its lock says so; a running server has migrated it already). Idempotent.
 * Throws PgUnreachable (with the reason, never the password) when PostgreSQL does not answer,
 * DatabaseTooNewError when the database is newer than this Greenline, ConfigError for bad input.
 */
export async function migrateCommand(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: SERVER_FLAGS, allowPositionals: true })
  if (positionals.length > 0) throw new ConfigError(USAGE)
  const url = env.GREENLINE_DATABASE_URL
  if (url) {
    if (!isPostgresUrl(url)) throw new ConfigError('GREENLINE_DATABASE_URL must be a postgres:// (or postgresql://) URL')
    const where = describeDatabaseUrl(url)
    const pool = createPgPool(url, { max: 1, applicationName: 'greenline migrate' })
    try {
      await checkReachable(pool, url)
      const { from, to, applied } = await migratePg(pool)
      print(
        applied.length === 0
          ? `PostgreSQL ${where} is at schema ${to}: nothing to migrate.`
          : `PostgreSQL ${where}: schema ${from} → ${to} (applied ${applied.join(', ')}).`,
      )
    } finally {
      await pool.end()
    }
    return
  }
  const { dataDir } = resolveServerConfig(values['data-dir'] ? ['--data-dir', values['data-dir']] : [], env)
  const unlock = await lockDataDir(dataDir)
  try {
    const from = sqliteVersion(join(dataDir, DATABASE_FILE))
    // openDatabase migrates, copying an existing file aside first (greenline.db.before-v<N>-<time>).
    const db = openDatabase(dataDir, { now: Date.now })
    const to = schemaVersion(db)
    db.close()
    print(
      from === to
        ? `SQLite ${dataDir} is at schema ${to}: nothing to migrate.`
        : `SQLite ${dataDir}: schema ${from} → ${to} (newest ${latestVersion()}).`,
    )
  } finally {
    await unlock()
  }
}

/** The schema version of a SQLite file, read only; 0 when there is none or it cannot be read (openDatabase then says why). */
function sqliteVersion(path: string): number {
  if (!existsSync(path)) return 0
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true })
    try {
      return schemaVersion(db)
    } finally {
      db.close()
    }
  } catch {
    return 0
  }
}
