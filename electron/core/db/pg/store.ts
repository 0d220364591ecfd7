import type pg from 'pg'
import { repositoriesOver, storeOf, TransactionFinished, type Store } from '../store'
import type { PgQueryable } from './pool'
import { PG_REPOSITORIES } from './repositories'

type PgFunction = (db: PgQueryable, ...args: unknown[]) => Promise<unknown>
const PgRepositories = repositoriesOver<PgFunction>(PG_REPOSITORIES)

/**
 * The PostgreSQL store: outside a transaction each call takes a pooled connection for its own
 * statements (autocommit); a transaction holds one connection from BEGIN to COMMIT, so other
 * instances and requests run beside it under PostgreSQL's own locking.
 */
export function createPgStore(pool: pg.Pool): Store {
  const ping = async () => {
    await pool.query('SELECT 1')
  }
  return storeOf(
    new PgRepositories((fn, args) => fn(pool, ...args)),
    'postgres',
    async (work) => {
      const client = await pool.connect()
      try {
        return await runTransaction(client, work, 0, ping)
      } finally {
        client.release()
      }
    },
    ping,
  )
}

async function runTransaction<T>(client: pg.PoolClient, work: (tx: Store) => Promise<T>, depth: number, ping: Store['ping']): Promise<T> {
  let open = true
  const tx = storeOf(
    new PgRepositories((fn, args) => (open ? fn(client, ...args) : Promise.reject(new TransactionFinished()))),
    'postgres',
    (inner) => (open ? runTransaction(client, inner, depth + 1, ping) : Promise.reject(new TransactionFinished())),
    ping,
  )
  const savepoint = depth > 0 ? `greenline_${depth}` : undefined
  await client.query(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN')
  try {
    const result = await work(tx)
    await client.query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT')
    return result
  } catch (error) {
    await client.query(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    open = false
  }
}
