import pg from 'pg'
import { createLogger } from '../../platform/logger'

const log = createLogger('pg')

/** What the PostgreSQL repositories run queries on: a pool, or one client inside a transaction. */
export type PgQueryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>

export interface PgPoolOptions {
  /** Connections per instance (pg's default is 10). */
  max?: number
  /** How long to wait for a connection before failing, ms. */
  connectionTimeoutMillis?: number
  /** The `application_name` PostgreSQL shows in pg_stat_activity. */
  applicationName?: string
}

// int8 (bigint, count(*)) arrives as text by default. Greenline's integers are epoch milliseconds
// and row sequences, far below 2^53, so they become numbers: the same row shape as better-sqlite3.
const INT8 = 20
const parseDefault = (oid: number, format: 'text' | 'binary'): unknown => pg.types.getTypeParser(oid, format)
const types = {
  getTypeParser: (oid: number, format: 'text' | 'binary' = 'text'): unknown =>
    oid === INT8 && format === 'text' ? (value: string) => Number(value) : parseDefault(oid, format),
}

/**
 * A pool on `GREENLINE_DATABASE_URL` (`postgres://user:password@host:5432/db`). Connects lazily:
 * the first query says whether the database is there (see `checkReachable`). Errors of idle
 * connections (the server restarted) are logged, never thrown: the pool replaces the connection.
 */
export function createPgPool(url: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000,
    application_name: options.applicationName ?? 'greenline',
    types,
  })
  pool.on('error', (error) => log.warn('idle PostgreSQL connection failed', { error: error.message }))
  return pool
}

/** The database named by a URL cannot be reached (down, wrong address, refused login, no such database). */
export class PgUnreachable extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot reach the PostgreSQL database ${where}: ${reason}`, options)
    this.name = 'PgUnreachable'
  }
}

/** `host:port/database` of a URL, never its user or password (for messages and logs). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`
  } catch {
    return '(an address that is not a valid postgres:// URL)'
  }
}

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/** Runs `SELECT 1`; throws PgUnreachable with the reason in words when the database does not answer. */
export async function checkReachable(pool: PgQueryable, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1')
  } catch (error) {
    throw new PgUnreachable(describeDatabaseUrl(url), reasonOf(error), { cause: error })
  }
}

/** A connection failure in words an administrator can act on. */
export function reasonOf(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string }
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens there (is PostgreSQL running, on that port?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve'
    case 'ETIMEDOUT':
      return 'the connection timed out'
    case '28P01':
    case '28000':
      return `the login was refused (${message ?? 'check the user and password'})`
    case '3D000':
      return `${message ?? 'the database does not exist'} (create it first: createdb)`
    default:
      return message || String(error)
  }
}
