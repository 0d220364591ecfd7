import pg from 'pg'
import type { PgQueryable } from '../pool'

/**
 * Runs `work` atomically, as a SQLite repository's `db.transaction` does: on a pool, in a
 * transaction of its own on one connection; on a client (already inside a store transaction), in
 * a savepoint, so a failure undoes only this work and the caller's transaction goes on.
 */
export async function atomically<T>(db: PgQueryable, work: (q: PgQueryable) => Promise<T>): Promise<T> {
  if (db instanceof pg.Pool) {
    const client = await db.connect()
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }
  await db.query('SAVEPOINT greenline_atomic')
  try {
    const result = await work(db)
    await db.query('RELEASE SAVEPOINT greenline_atomic')
    return result
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT greenline_atomic').catch(() => undefined)
    throw error
  }
}
