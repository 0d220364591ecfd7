import type { Clock } from '../shared/clock'

export interface RateLimits {
  messagesPerSecond?: number
  pairBurst?: number
  pairRefillMs?: number
}

/**
 * The number's throughput (messages per clock second, 130429) and the per-user pair limit (a
 * token bucket: `pairBurst` messages at once, one more every `pairRefillMs`, 131056). Each limit is
 * off unless configured.
 */
export class RateLimiter {
  private readonly recentSends: number[] = []
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

  /** Counts one send against the throughput; false when the number is over it. */
  takeThroughput(): boolean {
    const perSecond = this.limits.messagesPerSecond
    if (perSecond === undefined) return true
    const now = this.clock.now()
    while (this.recentSends.length > 0 && this.recentSends[0] <= now - 1000) this.recentSends.shift()
    if (this.recentSends.length >= perSecond) return false
    this.recentSends.push(now)
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
