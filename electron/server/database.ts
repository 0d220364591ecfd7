import type pg from 'pg'
import { DatabaseTooNewError } from '../core/db/migrate'
import { openDatabase } from '../core/db/open'
import { latestPgVersion, pgSchemaVersion } from '../core/db/pg/migrate'
import { checkReachable, createPgPool, describeDatabaseUrl } from '../core/db/pg/pool'
import { createPgStore } from '../core/db/pg/store'
import { createSqliteStore, type Store } from '../core/db/store'
import { ConfigError, type ServerConfig } from './config'

/** Where a team server keeps its data: SQLite in its data directory, or PostgreSQL. */
export interface ServerDatabase {
  /** The PostgreSQL store the engine runs on; undefined on SQLite (the engine opens its own file). */
  store?: Store
  /** PostgreSQL's pool and URL, for what the instances share (server/cluster.ts); undefined on SQLite. */
  pg?: { pool: pg.Pool; url: string }
  /** Runs `read` on a store before the engine starts (saved settings), closing what it opened. */
  read<T>(read: (store: Store) => Promise<T>): Promise<T>
  /** Closes the pool (after the engine has closed). */
  close(): Promise<void>
}

/**
 * Opens the server's database. PostgreSQL must answer (PgUnreachable says why not) and be migrated
 * to this version (ConfigError naming `npm run server -- migrate`; the server never migrates
 * PostgreSQL by itself, so two versions starting at once cannot race). Several servers may run on
 * one PostgreSQL database (README "Scaling out").
 */
export async function openServerDatabase(config: ServerConfig): Promise<ServerDatabase> {
  const database = config.database
  if (!database) {
    return {
      async read(read) {
        const db = openDatabase(config.dataDir)
        try {
          return await read(createSqliteStore(db))
        } finally {
          db.close()
        }
      },
      close: () => Promise.resolve(),
    }
  }
  const where = describeDatabaseUrl(database.url)
  const pool = createPgPool(database.url, { max: database.poolMax, applicationName: 'greenline server' })
  try {
    await checkReachable(pool, database.url)
    const version = await pgSchemaVersion(pool)
    const newest = latestPgVersion()
    if (version > newest) throw new DatabaseTooNewError(version, newest)
    if (version < newest) {
      throw new ConfigError(
        `PostgreSQL ${where} is at schema ${version}; this Greenline needs ${newest}. ` +
          'Run `npm run server -- migrate` (with the same GREENLINE_DATABASE_URL) once, then start the server.',
      )
    }
  } catch (error) {
    await pool.end()
    throw error
  }
  const store = createPgStore(pool)
  let closing: Promise<void> | undefined
  return {
    store,
    pg: { pool, url: database.url },
    read: (read) => read(store),
    close: () => (closing ??= pool.end()),
  }
}
