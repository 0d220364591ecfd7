/** How long an SMS provider's 429 makes every text wait when it does not say (Twilio usually does not). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000

/**
 * A `Retry-After` header in seconds, as milliseconds (capped at an hour, so a wrong header cannot
 * park the outbox for days). The HTTP-date form is ignored: logic never reads the wall clock.
 */
export function retryAfterMs(header: string | null): number | undefined {
  const trimmed = header?.trim()
  if (!trimmed || !/^\d+(\.\d+)?$/.test(trimmed)) return undefined
  const ms = Math.round(Number(trimmed) * 1000)
  return ms > 0 ? Math.min(ms, 3_600_000) : undefined
}
