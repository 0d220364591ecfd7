import type pg from 'pg'
import { DatabaseTooNewError } from '../migrate'
import type { PgMigration } from './migration'
import { PG_MIGRATIONS } from './migrations'

/**
 * Every instance and `npm run server -- migrate` migrate under this advisory lock (one number for
 * Greenline's schema; PostgreSQL scopes advisory locks to the database), so two starting at once
 * never run the same step twice: the second waits, then finds nothing left to do.
 */
export const MIGRATION_LOCK = 7_466_391_845_212_001

const VERSIONS_TABLE = `CREATE TABLE IF NOT EXISTS greenline_schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`

export function latestPgVersion(migrations: readonly PgMigration[] = PG_MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0
}

/** The newest version applied (0 for an empty database), without taking the lock. */
export async function pgSchemaVersion(db: Pick<pg.Pool, 'query'>): Promise<number> {
  const table = await db.query<{ exists: boolean }>(`SELECT to_regclass('greenline_schema_migrations') IS NOT NULL AS exists`)
  if (!table.rows[0]?.exists) return 0
  const result = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM greenline_schema_migrations')
  return result.rows[0]?.version ?? 0
}

/**
 * Brings the PostgreSQL schema up to `target` (default: the newest), each migration in its own
 * transaction together with its row in `greenline_schema_migrations`, under `MIGRATION_LOCK`.
 * Idempotent: a second run (or a second instance) applies nothing. A failing migration rolls back
 * whole and the error is thrown; the versions before it stay. Throws DatabaseTooNewError, changing
 * nothing, when the database is newer than this code.
 */
export async function migratePg(
  pool: pg.Pool,
  options: { target?: number; migrations?: readonly PgMigration[] } = {},
): Promise<{ from: number; to: number; applied: number[] }> {
  const migrations = options.migrations ?? PG_MIGRATIONS
  const newest = latestPgVersion(migrations)
  const target = options.target ?? newest
  const client = await pool.connect()
  try {
    // A session lock, held across the per-migration transactions; released below, or by the
    // server when this connection dies.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    try {
      await client.query(VERSIONS_TABLE)
      const from = await pgSchemaVersion(client)
      if (from > newest) throw new DatabaseTooNewError(from, newest)
      const applied: number[] = []
      for (const migration of migrations.filter((m) => m.version > from && m.version <= target)) {
        await client.query('BEGIN')
        try {
          await client.query(migration.sql)
          await client.query('INSERT INTO greenline_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name])
          await client.query('COMMIT')
        } catch (error) {
          await client.query('ROLLBACK')
          throw new Error(`PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, {
            cause: error,
          })
        }
        applied.push(migration.version)
      }
      return { from, to: applied.at(-1) ?? from, applied }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
    }
  } finally {
    client.release()
  }
}
