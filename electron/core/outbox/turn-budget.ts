/**
 * How long the outbox's work may hold one turn of the event loop on SQLite, where the store answers
 * synchronously and nothing in a send ever waits: a send is ~1–2 ms of statements and commits, and
 * the 16 sends that settle in one turn (plus the scheduler passes each of them wakes) stood the
 * engine still for 30–70 ms in a bulk release (issue 21, goal < 5 ms). On PostgreSQL every
 * statement waits on the network, so the loop runs meanwhile and no budget is needed.
 */
export const SQLITE_TURN_MS = 3

/**
 * A time budget per event-loop turn for work that never yields by itself. The first use in a turn
 * starts the turn's budget (a `setImmediate` ends it: the next turn starts afresh); `spent` says
 * whether it is gone, and `turn()` resolves at once while it lasts, or on a later turn that has
 * time left, so timers, sockets and IPC run in between. Real time (`workClock`), not the engine's
 * clock: it measures work, not waiting.
 */
export class TurnBudget {
  private endsAt: number | undefined

  constructor(
    private readonly ms: number,
    private readonly workClock: () => number = () => performance.now(),
  ) {}

  /** True once this turn's time is gone (the first call in a turn starts its budget). */
  spent(): boolean {
    const now = this.workClock()
    if (this.endsAt === undefined) {
      this.endsAt = now + this.ms
      setImmediate(() => (this.endsAt = undefined))
      return false
    }
    return now >= this.endsAt
  }

  /** Resolves in this turn while its budget lasts, otherwise in the first later turn with time left. */
  async turn(): Promise<void> {
    while (this.spent()) await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
