/**
 * A count of API requests being answered, shared by every connection of a listener, so that a
 * flood on many sockets cannot queue unbounded work in the engine (each request holds its
 * payload in memory until answered). Per-connection limits live with the connection.
 */
export class InFlightBudget {
  private used = 0

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.used
  }

  /** Takes one slot; false when none is left. */
  tryTake(): boolean {
    if (this.used >= this.limit) return false
    this.used++
    return true
  }

  release(): void {
    this.used = Math.max(0, this.used - 1)
  }
}

/** Limits an API listener applies; README "API" lists them. */
export interface ApiSocketLimits {
  /** The largest frame accepted (bytes); a larger one closes the connection with 1009. */
  maxFrameBytes: number
  /** Requests one connection may have unanswered at once. */
  perConnection: number
  /** Requests all connections together may have unanswered at once. */
  global: InFlightBudget
}

/** Pictures travel over HTTP (POST /media) or IPC, so a few MB is plenty for any JSON request. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024

export function defaultApiSocketLimits(): ApiSocketLimits {
  return { maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, perConnection: 32, global: new InFlightBudget(512) }
}
