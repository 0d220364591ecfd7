import { describe, expect, it } from 'vitest'
import { KeyedRateLimiter, RateLimiter } from '../../../electron/core/outbox/rate-limiter'

const T0 = Date.UTC(2026, 10, 25, 9, 0, 0)

function takeUntilRefused(take: () => { ok: boolean }, limit = 1000): number {
  let taken = 0
  while (taken < limit && take().ok) taken++
  return taken
}

describe('RateLimiter (the number’s throughput)', () => {
  it('lets a full burst through at once, then paces at the sustained rate', () => {
    const limiter = new RateLimiter({ ratePerSecond: 80 })
    expect(takeUntilRefused(() => limiter.tryTake(T0))).toBe(80)
    expect(limiter.tryTake(T0)).toEqual({ ok: false, retryAt: T0 + 13 })
    expect(limiter.tryTake(T0 + 13)).toEqual({ ok: true })
    // One second refills 80 sends, never more than the burst.
    expect(takeUntilRefused(() => limiter.tryTake(T0 + 10_000))).toBe(80)
  })

  it('honours a smaller burst', () => {
    const limiter = new RateLimiter({ ratePerSecond: 20, burst: 5 })
    expect(takeUntilRefused(() => limiter.tryTake(T0))).toBe(5)
    expect(limiter.availableAt(T0)).toBe(T0 + 50)
  })

  it('keeps the promise it makes: asking again at retryAt succeeds', () => {
    const limiter = new RateLimiter({ ratePerSecond: 3, burst: 1 })
    let now = T0
    for (let sent = 0; sent < 20; sent++) {
      const result = limiter.tryTake(now)
      if (!result.ok) {
        now = result.retryAt
        expect(limiter.tryTake(now)).toEqual({ ok: true })
      }
    }
  })

  it('stops everything until the penalty ends after a 130429, then paces from empty', () => {
    const limiter = new RateLimiter({ ratePerSecond: 10 })
    limiter.penalize(T0 + 5000)
    expect(limiter.tryTake(T0 + 4999)).toEqual({ ok: false, retryAt: T0 + 5000 })
    expect(limiter.tryTake(T0 + 5000)).toEqual({ ok: true })
    expect(limiter.tryTake(T0 + 5000)).toEqual({ ok: false, retryAt: T0 + 5100 })
    expect(limiter.tryTake(T0 + 5100)).toEqual({ ok: true })
  })

  it('does not mint capacity when the clock goes backwards', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 })
    expect(limiter.tryTake(T0).ok).toBe(true)
    expect(limiter.tryTake(T0 - 60_000).ok).toBe(false)
    expect(limiter.tryTake(T0 + 500).ok).toBe(false)
  })

  it('rejects a nonsense configuration', () => {
    expect(() => new RateLimiter({ ratePerSecond: 0 })).toThrow(RangeError)
  })
})

describe('KeyedRateLimiter (the per-user pair limit)', () => {
  const pairLimit = () => new KeyedRateLimiter({ burst: 45, refillEveryMs: 6000 })

  it('allows a burst of 45 to one user, then one message every 6 s', () => {
    const limiter = pairLimit()
    expect(takeUntilRefused(() => limiter.tryTake('+34600000001', T0))).toBe(45)
    expect(limiter.tryTake('+34600000001', T0)).toEqual({ ok: false, retryAt: T0 + 6000 })
    expect(limiter.tryTake('+34600000001', T0 + 5999).ok).toBe(false)
    expect(limiter.tryTake('+34600000001', T0 + 6000)).toEqual({ ok: true })
    expect(limiter.tryTake('+34600000001', T0 + 6000).ok).toBe(false)
  })

  it('a burst borrows from later: 20 messages take 2 minutes to earn back', () => {
    const limiter = pairLimit()
    for (let index = 0; index < 20; index++) limiter.tryTake('ana', T0)
    expect(takeUntilRefused(() => limiter.tryTake('ana', T0 + 119_999))).toBe(44)
    expect(limiter.tryTake('bea', T0).ok).toBe(true)
  })

  it('keeps each user separate', () => {
    const limiter = pairLimit()
    takeUntilRefused(() => limiter.tryTake('ana', T0))
    expect(limiter.tryTake('ana', T0).ok).toBe(false)
    expect(limiter.tryTake('bea', T0).ok).toBe(true)
    expect(limiter.availableAt('carla', T0)).toBe(T0)
  })

  it('holds one user after a 131056 without touching the others', () => {
    const limiter = pairLimit()
    limiter.penalize('ana', T0 + 30_000)
    expect(limiter.tryTake('ana', T0 + 29_000)).toEqual({ ok: false, retryAt: T0 + 30_000 })
    expect(limiter.tryTake('ana', T0 + 30_000).ok).toBe(true)
    expect(limiter.availableAt('ana', T0 + 30_000)).toBe(T0 + 36_000)
    expect(limiter.tryTake('ana', T0 + 36_000).ok).toBe(true)
    expect(limiter.tryTake('bea', T0).ok).toBe(true)
  })

  it('forgets users whose bucket has refilled, so memory stays bounded', () => {
    const limiter = new KeyedRateLimiter({ burst: 2, refillEveryMs: 1000, pruneAbove: 10 })
    for (let index = 0; index < 500; index++) limiter.tryTake(`user-${index}`, T0 + index * 1000)
    expect(limiter.size).toBeLessThanOrEqual(21)
    limiter.prune(T0 + 10_000_000)
    expect(limiter.size).toBe(0)
  })

  it('keeps a penalised or busy user through a prune', () => {
    const limiter = new KeyedRateLimiter({ burst: 2, refillEveryMs: 1000 })
    limiter.penalize('ana', T0 + 60_000)
    limiter.tryTake('bea', T0)
    limiter.tryTake('carla', T0 - 10_000)
    limiter.prune(T0)
    expect(limiter.size).toBe(2)
    expect(limiter.tryTake('ana', T0).ok).toBe(false)
  })
})
