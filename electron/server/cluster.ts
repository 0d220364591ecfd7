import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { PgClusterLink } from '../core/db/pg/cluster-link'
import { PgKeyedRateLimiter, PgRateLimiter } from '../core/db/pg/rate-limits'
import type { SendRates, SharedSendLimits } from '../core/outbox/scheduler'
import type { Clock } from '../shared/clock'

/** What a server on PostgreSQL shares with the other instances of its database. */
export interface ServerCluster {
  link: PgClusterLink
  /** The send limits of `phoneNumberId`, for the scheduler (made again when the rates change). */
  sharedLimits: (rates: SendRates) => SharedSendLimits
  stop(): Promise<void>
}

/**
 * Joins the instances of one PostgreSQL database: listens to them (LISTEN/NOTIFY, see
 * pg/cluster-link.ts) and shares the business number's send limits with them (rows of
 * `rate_limit_buckets`, see pg/rate-limits.ts). Throws, saying why, when it cannot listen.
 */
export async function joinCluster(options: { url: string; pool: pg.Pool; clock: Clock; phoneNumberId: string }): Promise<ServerCluster> {
  const link = new PgClusterLink({ url: options.url, pool: options.pool, clock: options.clock, instanceId: randomUUID() })
  await link.start()
  return {
    link,
    sharedLimits: (rates) => sharedSendLimits(options.pool, options.phoneNumberId, rates),
    stop: () => link.stop(),
  }
}

function sharedSendLimits(pool: pg.Pool, phoneNumberId: string, rates: SendRates): SharedSendLimits {
  const global = new PgRateLimiter(pool, `throughput:${phoneNumberId}`, { ratePerSecond: rates.messagesPerSecond })
  const pair = new PgKeyedRateLimiter(pool, `pair:${phoneNumberId}`, { burst: rates.pairBurst, refillEveryMs: rates.pairRefillMs })
  return {
    async availableAt(lane, now) {
      return Math.max(await pair.availableAt(lane, now), await global.availableAt(now))
    },
    async take(lane, now) {
      const taken = await global.tryTake(now)
      if (!taken.ok) return taken.retryAt
      const forPair = await pair.tryTake(lane, now)
      return forPair.ok ? undefined : forPair.retryAt
    },
    penalize: (scope, lane, until) => (scope === 'pair' ? pair.penalize(lane, until) : global.penalize(until)),
  }
}
