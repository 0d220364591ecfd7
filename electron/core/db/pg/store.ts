import type pg from 'pg'
import { createLogger } from '../../platform/logger'
import { isTransactionConflict, repositoriesOver, storeOf, TransactionFinished, type Store } from '../store'
import type { PgQueryable } from './pool'
import { PG_REPOSITORIES } from './repositories'
import { beginLaneMarks, commitLaneMarks } from './lane-marks'

const log = createLogger('pg')

/** How many times a transaction runs when PostgreSQL keeps giving it up for a deadlock or serialization conflict. */
const CONFLICT_ATTEMPTS = 4

type PgFunction = (db: PgQueryable, ...args: unknown[]) => Promise<unknown>
const PgRepositories = repositoriesOver<PgFunction>(PG_REPOSITORIES)

/**
 * The PostgreSQL store: outside a transaction each call takes a pooled connection for its own
 * statements (autocommit); a transaction holds one connection from BEGIN to COMMIT, so other
 * instances and requests run beside it under PostgreSQL's own locking. A transaction PostgreSQL
 * gives up for a deadlock or a serialization conflict is run again (up to CONFLICT_ATTEMPTS times).
 */
export function createPgStore(pool: pg.Pool): Store {
  const ping = async () => {
    await pool.query('SELECT 1')
  }
  // REPEATABLE READ: every statement of the work sees the data as of its first one.
  const snapshot: Store['snapshot'] = async (work) => {
    const client = await pool.connect()
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      try {
        return await work({ dialect: 'postgres', db: client })
      } finally {
        await client.query('COMMIT').catch(() => undefined)
      }
    } finally {
      client.release()
    }
  }
  const helpers = { ping, snapshot }
  return storeOf(
    new PgRepositories((fn, args) => fn(pool, ...args)),
    'postgres',
    async (work) => {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect()
        beginLaneMarks(client)
        try {
          return await runTransaction(client, work, 0, helpers)
        } catch (error) {
          if (attempt >= CONFLICT_ATTEMPTS || !isTransactionConflict(error)) throw error
          log.warn('transaction run again after a conflict', { code: (error as { code: string }).code, attempt })
        } finally {
          commitLaneMarks(client, pool)
          client.release()
        }
      }
    },
    ping,
    snapshot,
  )
}

async function runTransaction<T>(
  client: pg.PoolClient,
  work: (tx: Store) => Promise<T>,
  depth: number,
  helpers: Pick<Store, 'ping' | 'snapshot'>,
): Promise<T> {
  let open = true
  const tx = storeOf(
    new PgRepositories((fn, args) => (open ? fn(client, ...args) : Promise.reject(new TransactionFinished()))),
    'postgres',
    (inner) => (open ? runTransaction(client, inner, depth + 1, helpers) : Promise.reject(new TransactionFinished())),
    helpers.ping,
    helpers.snapshot,
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
