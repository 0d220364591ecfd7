import type Database from 'better-sqlite3'

/** The most SQL texts one connection keeps compiled; later texts are prepared fresh each time. */
export const STATEMENT_CACHE_LIMIT = 2000

/**
 * Prepared statements reused per SQL text, for one connection. Repositories write their SQL where
 * they use it; compiling it again on every call was ~15% of the webhook ingest profile.
 *
 * `prepare` returns the statement compiled the first time for that text, except while that one is
 * still being iterated (better-sqlite3 refuses to run a busy statement): that call gets a fresh,
 * uncached statement. A reused reader comes back in plain row mode, whatever pluck/raw/expand a
 * previous caller switched it to. Preparing invalid SQL throws, as `db.prepare` does, and caches
 * nothing.
 */
export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>()

  constructor(private readonly db: Database.Database) {}

  prepare(sql: string): Database.Statement {
    const cached = this.cache.get(sql)
    if (cached && !cached.busy) return cached.reader ? cached.pluck(false).raw(false).expand(false) : cached
    const statement = this.db.prepare(sql)
    if (!cached && this.cache.size < STATEMENT_CACHE_LIMIT) this.cache.set(sql, statement)
    return statement
  }

  /** How many SQL texts are cached (tests). */
  get size(): number {
    return this.cache.size
  }
}

const caches = new WeakMap<Database.Database, StatementCache>()

/**
 * The statement cache of `db`, created on first use and dropped with the connection:
 * `statements(db).prepare(sql)` in repositories instead of `db.prepare(sql)`.
 */
export function statements(db: Database.Database): StatementCache {
  let cache = caches.get(db)
  if (!cache) {
    cache = new StatementCache(db)
    caches.set(db, cache)
  }
  return cache
}
