import type { TakeResult } from '../../outbox/rate-limiter'
import type { PgQueryable } from './pool'

/**
 * Send-rate limits shared by every server instance: the token buckets of outbox/rate-limiter.ts
 * (same behaviour, same methods, but async), each a row of `rate_limit_buckets` that
 * `greenline_take_token` (migration 0020) refills and takes from under a row lock in one round
 * trip. Two instances taking at once queue on the row, so together they never send more than one
 * process would. Time is still passed in (`now`); a clock that goes back adds nothing.
 *
 * Not wired into the engine yet (README "Scaling out (PostgreSQL) — in progress").
 */

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`)
  return value
}

function nonEmpty(name: string, value: string): string {
  if (!value) throw new RangeError(`${name} must not be empty`)
  return value
}

async function take(db: PgQueryable, key: string, now: number, burst: number, refillEveryMs: number, commit: boolean): Promise<number> {
  const result = await db.query<{ at: number }>('SELECT greenline_take_token($1, $2, $3, $4, $5) AS at', [
    key,
    Math.floor(now),
    burst,
    refillEveryMs,
    commit,
  ])
  return result.rows[0].at
}

async function penalizeKey(db: PgQueryable, key: string, untilMs: number): Promise<void> {
  // As TokenBucket.penalize: one send may go when the penalty ends, the saved-up burst is gone.
  await db.query(
    `INSERT INTO rate_limit_buckets AS b (key, tokens, refilled_at, blocked_until) VALUES ($1, 1, $2, $2)
     ON CONFLICT (key) DO UPDATE SET
       tokens = 1,
       blocked_until = greatest(b.blocked_until, $2),
       refilled_at = greatest(b.refilled_at, b.blocked_until, $2)`,
    [key, Math.ceil(untilMs)],
  )
}

const asResult = (at: number, now: number): TakeResult => (at <= now ? { ok: true } : { ok: false, retryAt: at })

/**
 * The business number's overall throughput (Meta: 80 messages/s by default), one bucket for all
 * instances. `key` names the number, e.g. `throughput:<phone number id>`.
 */
export class PgRateLimiter {
  private readonly burst: number
  private readonly refillEveryMs: number

  constructor(
    private readonly db: PgQueryable,
    private readonly key: string,
    options: { ratePerSecond: number; burst?: number },
  ) {
    nonEmpty('key', key)
    const rate = positive('ratePerSecond', options.ratePerSecond)
    this.burst = positive('burst', options.burst ?? rate)
    this.refillEveryMs = 1000 / rate
  }

  /** Takes one send's worth of capacity, or says when to ask again. */
  async tryTake(now: number): Promise<TakeResult> {
    return asResult(await take(this.db, this.key, now, this.burst, this.refillEveryMs, true), now)
  }

  /** When a send could go, without taking anything (`now` if it could go now). */
  async availableAt(now: number): Promise<number> {
    return Math.max(now, await take(this.db, this.key, now, this.burst, this.refillEveryMs, false))
  }

  /** After a 130429: nothing goes before `untilMs`, on any instance; then one send. */
  async penalize(untilMs: number): Promise<void> {
    await penalizeKey(this.db, this.key, untilMs)
  }
}

/**
 * One bucket per key within `scope`: the per-WhatsApp-user pair limit (Meta: bursts up to 45, then
 * one every 6 s), shared by all instances. `scope` names the business number, e.g.
 * `pair:<phone number id>`, so two numbers' limits for one user stay apart.
 */
export class PgKeyedRateLimiter {
  private readonly burst: number
  private readonly refillEveryMs: number

  constructor(
    private readonly db: PgQueryable,
    private readonly scope: string,
    options: { burst: number; refillEveryMs: number },
  ) {
    nonEmpty('scope', scope)
    this.burst = positive('burst', options.burst)
    this.refillEveryMs = positive('refillEveryMs', options.refillEveryMs)
  }

  async tryTake(key: string, now: number): Promise<TakeResult> {
    return asResult(await take(this.db, this.rowKey(key), now, this.burst, this.refillEveryMs, true), now)
  }

  async availableAt(key: string, now: number): Promise<number> {
    return Math.max(now, await take(this.db, this.rowKey(key), now, this.burst, this.refillEveryMs, false))
  }

  /** After a 131056 for `key`: nothing goes to it before `untilMs`, from any instance; then one send. */
  async penalize(key: string, untilMs: number): Promise<void> {
    await penalizeKey(this.db, this.rowKey(key), untilMs)
  }

  /** Deletes this scope's buckets that are full and not blocked (a fresh one behaves the same); how many. */
  async prune(now: number): Promise<number> {
    const result = await this.db.query(
      `DELETE FROM rate_limit_buckets
       WHERE starts_with(key, $1) AND blocked_until <= $2
         AND tokens + greatest(0, $2::bigint - refilled_at) / $3::double precision + 1e-9 >= $4::double precision`,
      [`${this.scope}:`, Math.floor(now), this.refillEveryMs, this.burst],
    )
    return result.rowCount ?? 0
  }

  private rowKey(key: string): string {
    return `${this.scope}:${nonEmpty('key', key)}`
  }
}
