import type pg from 'pg'
import { DatabaseTooNewError } from '../core/db/migrate'
import { openDatabase } from '../core/db/open'
import { latestPgVersion, pgSchemaVersion } from '../core/db/pg/migrate'
import { checkReachable, createPgPool, describeDatabaseUrl } from '../core/db/pg/pool'
import { createPgStore } from '../core/db/pg/store'
import { createSqliteStore, type Store } from '../core/db/store'
import { createLogger } from '../core/platform/logger'
import { ConfigError, type ServerConfig } from './config'

const log = createLogger('server')

/**
 * The session advisory lock a server holds on its PostgreSQL database while it runs. Until the
 * outbox claims sends with leases and events fan out between instances (README "Scaling out"), a
 * second instance on the same database would send what the first sends: it refuses to start.
 */
export const SERVER_INSTANCE_LOCK = 7_466_391_845_212_002

/** Where a team server keeps its data: SQLite in its data directory, or PostgreSQL. */
export interface ServerDatabase {
  /** The PostgreSQL store the engine runs on; undefined on SQLite (the engine opens its own file). */
  store?: Store
  /** Runs `read` on a store before the engine starts (saved settings), closing what it opened. */
  read<T>(read: (store: Store) => Promise<T>): Promise<T>
  /** Releases the instance lock and closes the pool (after the engine has closed). */
  close(): Promise<void>
}

/**
 * Opens the server's database. PostgreSQL must answer (PgUnreachable says why not), be migrated
 * to this version (ConfigError naming `npm run server -- migrate`; the server never migrates
 * PostgreSQL by itself, so two versions starting at once cannot race) and, for a server
 * (`instance`, not a one-off command like `admin create`), have no other server running on it.
 */
export async function openServerDatabase(config: ServerConfig, options: { instance: boolean }): Promise<ServerDatabase> {
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
  let holder: pg.PoolClient | undefined
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
    if (!options.instance) return onPool(pool)
    holder = await pool.connect()
    const locked = await holder.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [SERVER_INSTANCE_LOCK])
    if (!locked.rows[0]?.locked) {
      throw new ConfigError(
        `Another Greenline server is already running on PostgreSQL ${where}. ` +
          'Several instances on one database are not supported yet (README "Scaling out"): stop the other one first.',
      )
    }
    // The lock lives as long as this connection: if PostgreSQL restarts, another instance could start.
    holder.on('error', (error) => log.error('the connection holding the instance lock failed', { error: error.message }))
  } catch (error) {
    holder?.release()
    await pool.end()
    throw error
  }
  const lockHolder = holder
  return onPool(pool, async () => {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [SERVER_INSTANCE_LOCK]).catch(() => undefined)
    lockHolder.release()
  })
}

function onPool(pool: pg.Pool, release = () => Promise.resolve()): ServerDatabase {
  const store = createPgStore(pool)
  let closing: Promise<void> | undefined
  return {
    store,
    read: (read) => read(store),
    close: () =>
      (closing ??= (async () => {
        await release()
        await pool.end()
      })()),
  }
}
