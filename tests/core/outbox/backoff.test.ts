import { describe, expect, it } from 'vitest'
import { MAX_ATTEMPTS, retryDelayMs, shouldRetry } from '../../../electron/core/outbox/backoff'
import { seededRandom as seeded } from '../../../electron/shared/random'

const delays = (seed: number, options: { baseMs?: number; maxMs?: number; minimumMs?: number } = {}) => {
  const random = seeded(seed)
  return Array.from({ length: 12 }, (_, index) => retryDelayMs(index + 1, { ...options, random }))
}

describe('retryDelayMs', () => {
  it('grows exponentially: the lowest and highest draws bound each attempt', () => {
    const low = (attempt: number) => retryDelayMs(attempt, { random: () => 0 })
    const high = (attempt: number) => retryDelayMs(attempt, { random: () => 0.999999 })
    expect([1, 2, 3, 4, 5].map(high)).toEqual([1000, 2000, 4000, 8000, 16000])
    expect([1, 2, 3, 4, 5].map(low)).toEqual([1000, 1000, 1000, 1000, 1000])
  })

  it('stays within [base, max] for every attempt and draw', () => {
    for (let seed = 1; seed <= 50; seed++) {
      for (const delay of delays(seed)) {
        expect(delay).toBeGreaterThanOrEqual(1000)
        expect(delay).toBeLessThanOrEqual(5 * 60_000)
      }
    }
    expect(retryDelayMs(40, { random: () => 0.999999 })).toBe(5 * 60_000)
    expect(retryDelayMs(1_000_000, { random: () => 0.5, maxMs: 10_000 })).toBeLessThanOrEqual(10_000)
  })

  it('is the same for the same seed and spreads senders with different seeds', () => {
    expect(delays(7)).toEqual(delays(7))
    expect(delays(7)).not.toEqual(delays(8))
  })

  it('waits at least as long as a rate limit asks, even past the maximum', () => {
    expect(retryDelayMs(1, { random: () => 0, minimumMs: 4000 })).toBe(4000)
    expect(retryDelayMs(3, { random: () => 0.999999, minimumMs: 100 })).toBe(4000)
    expect(retryDelayMs(20, { random: () => 0.5, maxMs: 60_000, minimumMs: 120_000 })).toBe(120_000)
  })

  it('treats a nonsense attempt number as the first', () => {
    expect(retryDelayMs(0, { random: () => 0.999999 })).toBe(1000)
    expect(retryDelayMs(Number.NaN, { random: () => 0.999999 })).toBe(1000)
  })
})

describe('shouldRetry', () => {
  it('retries network trouble and rate limits until the last attempt', () => {
    for (const kind of ['transient', 'rate_limited']) {
      expect(shouldRetry(kind, 1)).toBe(true)
      expect(shouldRetry(kind, MAX_ATTEMPTS - 1)).toBe(true)
      expect(shouldRetry(kind, MAX_ATTEMPTS)).toBe(false)
    }
  })

  it('never retries other failures', () => {
    for (const kind of ['permanent', 'window_closed', 'invalid_recipient', 'auth']) {
      expect(shouldRetry(kind, 1)).toBe(false)
    }
  })
})
