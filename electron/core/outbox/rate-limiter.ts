/** The answer to "may I send now?": if not, the earliest time worth asking again. */
export type TakeResult = { ok: true } | { ok: false; retryAt: number }

// Floating-point refill can land a hair under a whole token at exactly the promised time.
const EPSILON = 1e-9

/**
 * One token bucket, born full. Time is passed in on every call; a clock that goes backwards adds
 * nothing.
 */
class TokenBucket {
  private tokens: number
  private refilledAt: number | undefined
  private blockedUntil = -Infinity

  constructor(
    private readonly burst: number,
    private readonly refillEveryMs: number,
  ) {
    this.tokens = burst
  }

  availableAt(now: number): number {
    this.refill(now)
    if (this.tokens + EPSILON >= 1) return Math.max(now, this.blockedUntil)
    // Tokens are counted as of `refilledAt`, which is ahead of `now` if the clock went back.
    const from = Math.max(now, this.refilledAt ?? now)
    return Math.max(from + Math.ceil((1 - this.tokens) * this.refillEveryMs), this.blockedUntil)
  }

  tryTake(now: number): TakeResult {
    const at = this.availableAt(now)
    if (at > now) return { ok: false, retryAt: at }
    this.tokens = Math.max(0, this.tokens - 1)
    return { ok: true }
  }

  penalize(untilMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, untilMs)
    // The platform said we overdid it, so what we had saved up was not really ours to spend:
    // one send may go when the penalty ends, then the bucket refills from there.
    this.tokens = 1
    this.refilledAt = Math.max(this.refilledAt ?? this.blockedUntil, this.blockedUntil)
  }

  /** Full and not blocked: indistinguishable from a bucket that was never made. */
  isIdle(now: number): boolean {
    this.refill(now)
    return this.tokens + EPSILON >= this.burst && this.blockedUntil <= now
  }

  private refill(now: number): void {
    if (this.refilledAt === undefined) {
      this.refilledAt = now
      return
    }
    if (now <= this.refilledAt) return
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) / this.refillEveryMs)
    this.refilledAt = now
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`)
  return value
}

/**
 * The phone number's overall throughput (Meta: 80 messages/s by default; going over gives
 * 130429). Starts full, so the first `burst` sends go at once.
 */
export class RateLimiter {
  private readonly bucket: TokenBucket

  constructor(options: { ratePerSecond: number; burst?: number }) {
    const rate = positive('ratePerSecond', options.ratePerSecond)
    this.bucket = new TokenBucket(positive('burst', options.burst ?? rate), 1000 / rate)
  }

  /** Takes one send's worth of capacity, or says when to ask again. */
  tryTake(now: number): TakeResult {
    return this.bucket.tryTake(now)
  }

  /** When a send could go, without taking anything (`now` if it could go now). */
  availableAt(now: number): number {
    return this.bucket.availableAt(now)
  }

  /** After a 130429: nothing goes before `untilMs`; then one send, and the saved-up burst is gone. */
  penalize(untilMs: number): void {
    this.bucket.penalize(untilMs)
  }
}

export interface KeyedRateLimiterOptions {
  /** Sends allowed at once to one key. Meta's pair limit: 45. */
  burst: number
  /** One more send is earned every this many ms. Meta's pair limit: 6000. */
  refillEveryMs: number
  /** Forget idle buckets once this many are held; memory stays bounded by busy keys. Default 1000. */
  pruneAbove?: number
}

/**
 * One token bucket per key: the per-WhatsApp-user pair limit (Meta: 1 message every 6 s sustained,
 * bursts up to 45; going over gives 131056). Buckets that have refilled completely are dropped,
 * since a fresh bucket behaves the same.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly burst: number
  private readonly refillEveryMs: number
  private readonly pruneAbove: number
  private pruneAt: number

  constructor(options: KeyedRateLimiterOptions) {
    this.burst = positive('burst', options.burst)
    this.refillEveryMs = positive('refillEveryMs', options.refillEveryMs)
    this.pruneAbove = positive('pruneAbove', options.pruneAbove ?? 1000)
    this.pruneAt = this.pruneAbove
  }

  /** Takes one send's worth of `key`'s capacity, or says when to ask again. */
  tryTake(key: string, now: number): TakeResult {
    const result = this.bucketFor(key).tryTake(now)
    this.pruneIfLarge(now)
    return result
  }

  /** When a send to `key` could go, without taking anything (`now` if it could go now). */
  availableAt(key: string, now: number): number {
    return this.buckets.get(key)?.availableAt(now) ?? now
  }

  /** After a 131056 for `key`: nothing goes to it before `untilMs`; then one send, and its burst is spent. */
  penalize(key: string, untilMs: number): void {
    this.bucketFor(key).penalize(untilMs)
  }

  /** Drops every bucket that is full and not blocked. */
  prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.isIdle(now)) this.buckets.delete(key)
    }
  }

  /** How many keys are being tracked (for tests and diagnostics). */
  get size(): number {
    return this.buckets.size
  }

  private bucketFor(key: string): TokenBucket {
    let bucket = this.buckets.get(key)
    if (!bucket) {
      bucket = new TokenBucket(this.burst, this.refillEveryMs)
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  // Pruning whenever the map doubles past the threshold keeps the sweep cost amortised O(1).
  private pruneIfLarge(now: number): void {
    if (this.buckets.size <= this.pruneAt) return
    this.prune(now)
    this.pruneAt = Math.max(this.pruneAbove, this.buckets.size * 2)
  }
}
