/**
 * Failed sign-in attempts per key (an account, an address) in a sliding window. After `max`
 * failures within `windowMs` the key must wait until the oldest of them leaves the window; a
 * success clears the key. Time comes from the caller's clock, so tests move it instead of waiting.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly now: () => number,
    private readonly limits: { max: number; windowMs: number },
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key)
    if (recent.length < this.limits.max) return 0
    return recent[recent.length - this.limits.max] + this.limits.windowMs - this.now()
  }

  fail(key: string): void {
    const recent = this.recent(key)
    recent.push(this.now())
    // Only the newest `max` matter for the wait; the map stays bounded per key.
    this.failures.set(key, recent.slice(-this.limits.max))
    // Someone spraying addresses or user ids must not grow the map without end.
    if (this.failures.size > 10_000) for (const k of [...this.failures.keys()]) this.recent(k)
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since)
    if (recent.length === 0) this.failures.delete(key)
    return recent
  }
}
