import type { Clock } from '../shared/clock'

export interface RateLimits {
  messagesPerSecond?: number
  pairBurst?: number
  pairRefillMs?: number
}

/** Meta's defaults: 80 messages a second per business number; per user, bursts of 45 then one every 6 s. */
export const META_RATE_LIMITS: RateLimits = { messagesPerSecond: 80, pairBurst: 45, pairRefillMs: 6000 }

/**
 * The number's throughput (messages per clock second, 130429) and the per-user pair limit (a
 * token bucket: `pairBurst` messages at once, one more every `pairRefillMs`, 131056). Each limit is
 * off unless configured.
 */
export class RateLimiter {
  private throughput: { tokens: number; updatedAt: number } | undefined
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>()
  private readonly pairOn: boolean
  private readonly burst: number
  private readonly refillMs: number

  constructor(
    private readonly clock: Clock,
    private readonly limits: RateLimits,
  ) {
    this.pairOn = limits.pairBurst !== undefined || limits.pairRefillMs !== undefined
    this.burst = limits.pairBurst ?? 45
    this.refillMs = limits.pairRefillMs ?? 6000
  }

  /**
   * Counts one send against the throughput; false when the number is over it. A bucket of one
   * second's worth, refilled continuously (the engine paces itself the same way, so a sender that
   * keeps to 80/s is never refused).
   */
  takeThroughput(): boolean {
    const perSecond = this.limits.messagesPerSecond
    if (perSecond === undefined) return true
    const now = this.clock.now()
    const bucket = this.throughput ?? { tokens: perSecond, updatedAt: now }
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.updatedAt) * perSecond) / 1000)
    bucket.updatedAt = now
    this.throughput = bucket
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /** Takes a token from the user's bucket; false when the pair limit is hit. */
  takePair(phone: string): boolean {
    if (!this.pairOn) return true
    const now = this.clock.now()
    const bucket = this.buckets.get(phone) ?? { tokens: this.burst, updatedAt: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) / this.refillMs)
    bucket.updatedAt = now
    this.buckets.set(phone, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
