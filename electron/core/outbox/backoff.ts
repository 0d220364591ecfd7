/** A message is tried at most this many times before it fails for good. */
export const MAX_ATTEMPTS = 8

/** Error kinds worth another try: network trouble, 5xx, and rate limits (130429, 131056). */
export const RETRYABLE_ERROR_KINDS = ['transient', 'rate_limited'] as const
export type RetryableErrorKind = (typeof RETRYABLE_ERROR_KINDS)[number]

export interface RetryDelayOptions {
  /** The ceiling of the first retry's delay. Default 1 s. */
  baseMs?: number
  /** No delay is longer than this, unless `minimumMs` asks for more. Default 5 min. */
  maxMs?: number
  /** A source of numbers in [0, 1); injected so tests and replays are deterministic. */
  random: () => number
  /** A floor that wins over everything, e.g. a rate limit's "retry after". */
  minimumMs?: number
}

/**
 * How long to wait before retrying after the `attempt`-th try (1-based) failed. Exponential with
 * jitter drawn between `baseMs` and `min(maxMs, baseMs · 2^(attempt-1))`, so senders that failed
 * together spread out; the lower bound of `baseMs` avoids an instant retry, which rarely helps.
 */
export function retryDelayMs(attempt: number, options: RetryDelayOptions): number {
  const baseMs = Math.max(0, options.baseMs ?? 1000)
  const maxMs = Math.max(baseMs, options.maxMs ?? 5 * 60_000)
  const step = Math.max(1, Math.floor(Number.isFinite(attempt) ? attempt : 1))
  const ceiling = Math.min(maxMs, baseMs * 2 ** (step - 1))
  const draw = Math.min(Math.max(options.random(), 0), 1)
  const delay = Math.round(baseMs + draw * (ceiling - baseMs))
  return Math.max(delay, Math.ceil(options.minimumMs ?? 0))
}

/**
 * Meta's advice for the pair rate limit (131056): "retry after 4^X seconds (starting with X=0 and
 * increasing X by 1 after each failure)". A burst borrows from the next minutes' quota, so the
 * usual backoff (capped at 5 min, 8 tries) could fail a message while WhatsApp still holds the
 * pair back; this floor spreads the tries over about an hour and a half instead.
 */
export function pairLimitDelayMs(attempt: number): number {
  const step = Math.max(1, Math.floor(Number.isFinite(attempt) ? attempt : 1))
  return 4 ** (step - 1) * 1000
}

/** Whether a send that failed with `kind` on its `attempt`-th try (1-based) should be tried again. */
export function shouldRetry(kind: string, attempt: number): boolean {
  return (RETRYABLE_ERROR_KINDS as readonly string[]).includes(kind) && attempt < MAX_ATTEMPTS
}
