export interface BackoffOptions {
  /** The first wait (default 500 ms). */
  baseMs?: number
  /** The longest wait (default 30 s): a laptop back from sleep is online within half a minute. */
  maxMs?: number
}

/**
 * How long to wait before reconnect attempt `attempt` (0 = the first retry): exponential, capped,
 * with "equal jitter" (half fixed, half random) so twenty desktops that lost the server at the
 * same moment do not all knock at once when it returns, and none waits zero.
 */
export function reconnectDelay(attempt: number, random: () => number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500
  const max = options.maxMs ?? 30_000
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
