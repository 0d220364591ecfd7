import type pg from 'pg'
import { createLogger } from '../core/platform/logger'
import { ConfigError } from './config'

const log = createLogger('server')

/**
 * The session advisory lock a server holds on its PostgreSQL database while it runs. Until the
 * outbox claims sends with leases and events fan out between instances (README "Scaling out"), a
 * second instance on the same database would send what the first sends: it refuses to start.
 */
export const SERVER_INSTANCE_LOCK = 7_466_391_845_212_002

const RETAKE_FIRST_MS = 250
const RETAKE_MAX_MS = 10_000

async function tryLock(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [SERVER_INSTANCE_LOCK])
  return rows[0]?.locked === true
}

/**
 * Takes the instance lock on a connection of its own (ConfigError when another server holds it)
 * and keeps it: the lock lives as long as its connection, so when PostgreSQL restarts it is taken
 * again as soon as the database answers (backing off from 0.25 s to 10 s). Should another server
 * have taken it in that moment, that is logged as an error: one of them must be stopped.
 */
export async function holdInstanceLock(pool: pg.Pool, where: string): Promise<{ release(): Promise<void> }> {
  const first = await pool.connect()
  let locked = false
  try {
    locked = await tryLock(first)
  } finally {
    if (!locked) first.release()
  }
  if (!locked) {
    throw new ConfigError(
      `Another Greenline server is already running on PostgreSQL ${where}. ` +
        'Several instances on one database are not supported yet (README "Scaling out"): stop the other one first.',
    )
  }
  let holder: pg.PoolClient | undefined = first
  let released = false
  let retry: NodeJS.Timeout | undefined

  const watch = (client: pg.PoolClient) => {
    let lost = false
    client.on('error', (error) => {
      if (lost) return
      lost = true
      log.error('the connection holding the instance lock failed; taking the lock again', { error: error.message })
      client.release(error)
      holder = undefined
      retake(RETAKE_FIRST_MS)
    })
  }
  const retake = (delay: number) => {
    if (released) return
    retry = setTimeout(() => {
      void pool.connect().then(
        async (client) => {
          if (released) return client.release()
          if (await tryLock(client).catch(() => undefined)) {
            holder = client
            watch(client)
            log.info('instance lock held again')
          } else {
            client.release()
            log.error(`another Greenline server took PostgreSQL ${where} while it restarted: stop one of them`)
          }
        },
        () => retake(Math.min(delay * 2, RETAKE_MAX_MS)),
      )
    }, delay)
    retry.unref()
  }
  watch(first)

  return {
    async release() {
      released = true
      clearTimeout(retry)
      const client = holder
      holder = undefined
      if (!client) return
      await client.query('SELECT pg_advisory_unlock($1)', [SERVER_INSTANCE_LOCK]).catch(() => undefined)
      client.release()
    },
  }
}
