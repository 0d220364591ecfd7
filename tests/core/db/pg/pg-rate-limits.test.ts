import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { PgKeyedRateLimiter, PgRateLimiter } from '../../../../electron/core/db/pg/rate-limits'
import { KeyedRateLimiter, RateLimiter } from '../../../../electron/core/outbox/rate-limiter'
import { seededRandom } from '../../../../electron/shared/random'
import { usePgCluster } from '../../../helpers/pg-cluster'

const T0 = Date.UTC(2026, 11, 6, 9, 0, 0)

describe('send-rate limits shared by all instances (PostgreSQL)', () => {
  const cluster = usePgCluster()
  const pools: pg.Pool[] = []
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()))
  })

  /** Two instances' pools on one migrated database. */
  async function instances(): Promise<[pg.Pool, pg.Pool]> {
    const url = await cluster().createDatabase()
    const a = createPgPool(url, { max: 5 })
    const b = createPgPool(url, { max: 5 })
    pools.push(a, b)
    await migratePg(a)
    return [a, b]
  }

  it("two instances taking the number's throughput at once never send more than the limit together", async () => {
    const [a, b] = await instances()
    const onA = new PgRateLimiter(a, 'throughput:pn-1', { ratePerSecond: 20, burst: 10 })
    const onB = new PgRateLimiter(b, 'throughput:pn-1', { ratePerSecond: 20, burst: 10 })
    let sent = 0
    // 5 s of sending, every 10 ms both instances try 4 sends each, all concurrently.
    for (let t = T0; t <= T0 + 5000; t += 10) {
      const tries = await Promise.all([...Array(4)].flatMap(() => [onA.tryTake(t), onB.tryTake(t)]))
      sent += tries.filter((r) => r.ok).length
      // At every moment: at most the burst plus what was earned since.
      expect(sent).toBeLessThanOrEqual(10 + Math.floor(((t - T0) * 20) / 1000))
    }
    // And the limit is used, not just respected: burst + 5 s at 20/s.
    expect(sent).toBe(10 + 100)
    const refused = await onB.tryTake(T0 + 5000)
    expect(refused).toEqual({ ok: false, retryAt: T0 + 5050 })
  })

  it('the pair limit is per WhatsApp user and per number, shared by the instances', async () => {
    const [a, b] = await instances()
    const pair = { burst: 45, refillEveryMs: 6000 }
    const onA = new PgKeyedRateLimiter(a, 'pair:pn-1', pair)
    const onB = new PgKeyedRateLimiter(b, 'pair:pn-1', pair)
    const otherNumber = new PgKeyedRateLimiter(b, 'pair:pn-2', pair)
    const tries = await Promise.all([...Array(60)].flatMap(() => [onA.tryTake('wa-1', T0), onB.tryTake('wa-1', T0)]))
    expect(tries.filter((r) => r.ok)).toHaveLength(45)
    expect(tries.find((r) => !r.ok)).toEqual({ ok: false, retryAt: T0 + 6000 })
    expect(await onA.tryTake('wa-2', T0)).toEqual({ ok: true })
    expect(await otherNumber.tryTake('wa-1', T0)).toEqual({ ok: true })
    expect(await onB.availableAt('wa-1', T0 + 1000)).toBe(T0 + 6000)
    expect(await onB.tryTake('wa-1', T0 + 6000)).toEqual({ ok: true })
  })

  it('a penalty one instance receives holds the other back too', async () => {
    const [a, b] = await instances()
    const onA = new PgRateLimiter(a, 'throughput:pn-1', { ratePerSecond: 80 })
    const onB = new PgRateLimiter(b, 'throughput:pn-1', { ratePerSecond: 80 })
    expect(await onB.tryTake(T0)).toEqual({ ok: true })
    await onA.penalize(T0 + 60_000) // a 130429 on instance A
    expect(await onB.tryTake(T0 + 1000)).toEqual({ ok: false, retryAt: T0 + 60_000 })
    expect(await onB.tryTake(T0 + 60_000)).toEqual({ ok: true })
    // Then the burst is gone: the next token is earned at 80/s.
    expect(await onA.tryTake(T0 + 60_000)).toEqual({ ok: false, retryAt: T0 + 60_013 })
  })

  it('behaves exactly like the in-memory limiters it replaces (random sequence)', async () => {
    const [a] = await instances()
    const random = seededRandom(15)
    const shared = new PgKeyedRateLimiter(a, 'pair:pn-1', { burst: 3, refillEveryMs: 700 })
    const local = new KeyedRateLimiter({ burst: 3, refillEveryMs: 700 })
    const sharedNumber = new PgRateLimiter(a, 'throughput:pn-1', { ratePerSecond: 7, burst: 2 })
    const localNumber = new RateLimiter({ ratePerSecond: 7, burst: 2 })
    let now = T0
    for (let step = 0; step < 300; step++) {
      // Mostly forward, sometimes backwards (another instance's clock).
      now += Math.floor(random() * 400) - 60
      const key = `wa-${Math.floor(random() * 3)}`
      const action = random()
      if (action < 0.05) {
        await shared.penalize(key, now + 2000)
        local.penalize(key, now + 2000)
        await sharedNumber.penalize(now + 1000)
        localNumber.penalize(now + 1000)
      } else if (action < 0.2) {
        expect(await shared.availableAt(key, now)).toBe(local.availableAt(key, now))
        expect(await sharedNumber.availableAt(now)).toBe(localNumber.availableAt(now))
      } else {
        expect(await shared.tryTake(key, now)).toEqual(local.tryTake(key, now))
        expect(await sharedNumber.tryTake(now)).toEqual(localNumber.tryTake(now))
      }
    }
  })

  it('forgets idle buckets, and refuses bad settings with a clear error', async () => {
    const [a] = await instances()
    const pair = new PgKeyedRateLimiter(a, 'pair:pn-1', { burst: 2, refillEveryMs: 1000 })
    await pair.tryTake('wa-1', T0)
    await pair.tryTake('wa-2', T0)
    await pair.tryTake('wa-2', T0)
    await new PgKeyedRateLimiter(a, 'pair:pn-2', { burst: 2, refillEveryMs: 1000 }).tryTake('wa-1', T0)
    expect(await pair.prune(T0 + 1000)).toBe(1) // wa-1 is full again; wa-2 is not
    expect(await pair.prune(T0 + 2000)).toBe(1)
    expect((await a.query('SELECT key FROM rate_limit_buckets')).rows).toEqual([{ key: 'pair:pn-2:wa-1' }])
    expect(() => new PgRateLimiter(a, 'throughput:pn-1', { ratePerSecond: 0 })).toThrow('ratePerSecond must be a positive number')
    expect(() => new PgKeyedRateLimiter(a, '', { burst: 1, refillEveryMs: 1 })).toThrow('scope must not be empty')
    await expect(pair.tryTake('', T0)).rejects.toThrow('key must not be empty')
  })
})
