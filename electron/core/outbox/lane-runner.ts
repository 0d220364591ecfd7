import type { Clock } from '../../shared/clock'

/** What the runner needs to know of a unit of work: its lane, and when it may run. */
export interface LaneItem {
  lane: string
  state: string
  due_at: number
  lease_until: number | null
}

export interface LaneRunnerHooks<T extends LaneItem> {
  /** At most one item per lane, the lane's next in order, earliest due first. */
  heads(now: number): Iterable<T> | Promise<Iterable<T>>
  /** The earliest time anything becomes due (leases count at their end), or undefined. */
  nextDueAt(): number | undefined
  /** When `item` may go as far as rate limits go (`now` if now), without taking anything. */
  availableAt(item: T, now: number): number
  /** Takes `item`'s share of the rate limits; called just before `start`. */
  take(item: T, now: number): void
  /**
   * Starts `item`'s work; undefined when it did not start (it was held or vanished). Work that
   * rejects (the database went away mid-send) is reported to `failed` and its lane tried again
   * after `RETRY_FAILED_PASS_MS`.
   */
  start(item: T, now: number): Promise<void> | undefined
  /** Called first on each pass, with which lanes have work under way (expired leases go again). */
  recover?(now: number, busy: (lane: string) => boolean): void | Promise<void>
  /** A pass or an item's work failed (the database went away): tried again after `RETRY_FAILED_PASS_MS`. */
  failed?(error: unknown): void
}

/** How long after a failed pass the runner tries again, unless something wakes it sooner. */
export const RETRY_FAILED_PASS_MS = 1000

export type LaneRunnerState = 'stopped' | 'running' | 'paused' | 'draining'

/**
 * A generic runner of ordered lanes (Signal's JobQueue): one item in flight per lane, at most
 * `maxInFlight` in all, rate limits asked before each start, and no polling loop: it sleeps on the
 * clock until the next due time, a rate limit's end, or `wake()`. What an item is and how it is
 * sent are the hooks' business.
 */
export class LaneRunner<T extends LaneItem> {
  private current: LaneRunnerState = 'stopped'
  private readonly inFlight = new Map<string, Promise<void>>()
  /** Lanes whose last work failed, and when they may run again. */
  private readonly failedLanes = new Map<string, number>()
  private timerCancel: (() => void) | undefined
  private timerDueAt = Infinity
  private scheduled = false
  /** The pass under way (reading heads is async); a wake meanwhile asks for one more after it. */
  private pass: Promise<void> | undefined
  private passAgain = false
  private unsubscribeJump: (() => void) | undefined
  private readonly idleListeners = new Set<() => void>()

  constructor(
    private readonly clock: Clock,
    private readonly hooks: LaneRunnerHooks<T>,
    private readonly maxInFlight: number,
  ) {}

  get state(): LaneRunnerState {
    return this.current
  }

  get inFlightCount(): number {
    return this.inFlight.size
  }

  start(): void {
    if (this.current === 'running') return
    this.current = 'running'
    this.unsubscribeJump ??= this.clock.onJump(() => this.wake())
    this.wake()
  }

  pause(): void {
    if (this.current === 'running') this.current = 'paused'
    this.cancelTimer()
  }

  resume(): void {
    if (this.current === 'paused') {
      this.current = 'running'
      this.wake()
    }
  }

  /** Stops taking work and waits for the work already under way. */
  async shutdown(): Promise<void> {
    this.current = 'draining'
    this.cancelTimer()
    this.unsubscribeJump?.()
    this.unsubscribeJump = undefined
    await this.pass
    await Promise.allSettled([...this.inFlight.values()])
    this.current = 'stopped'
  }

  /** Resolves once nothing is in flight and nothing is due now (for tests and benchmarks). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleListeners.add(resolve))
  }

  isBusy(lane: string): boolean {
    return this.inFlight.has(lane)
  }

  wake(): void {
    if (this.current !== 'running') return
    if (this.pass) {
      this.passAgain = true
      return
    }
    if (this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.pass = this.run()
        .catch((error: unknown) => {
          this.hooks.failed?.(error)
          this.armTimer(this.clock.now() + RETRY_FAILED_PASS_MS, this.clock.now())
        })
        .finally(() => {
          this.pass = undefined
          if (this.passAgain) {
            this.passAgain = false
            this.wake()
          }
          this.notifyIfIdle()
        })
    })
  }

  /** One pass: starts every head that may go now, then sleeps until the next one may. */
  private async run(): Promise<void> {
    if (this.current !== 'running') return
    const now = this.clock.now()
    await this.hooks.recover?.(now, (lane) => this.inFlight.has(lane))
    const heads = await this.hooks.heads(now)
    // Paused or shutting down meanwhile: nothing more starts.
    if (this.current !== 'running') return
    let earliest = Infinity
    // No await below: checking that a lane is free and starting it happen together.
    for (const head of heads) {
      if (this.inFlight.size >= this.maxInFlight) break
      if (this.inFlight.has(head.lane)) continue
      const retryAt = this.failedLanes.get(head.lane)
      if (retryAt !== undefined) {
        if (retryAt > now) {
          earliest = Math.min(earliest, retryAt)
          continue
        }
        this.failedLanes.delete(head.lane)
      }
      if (head.state === 'leased') {
        earliest = Math.min(earliest, head.lease_until ?? now)
        continue
      }
      if (head.due_at > now) {
        earliest = Math.min(earliest, head.due_at)
        continue
      }
      const at = this.hooks.availableAt(head, now)
      if (at > now) {
        earliest = Math.min(earliest, at)
        continue
      }
      this.hooks.take(head, now)
      const work = this.hooks.start(head, now)
      if (work) this.track(head.lane, work)
    }
    const next = Math.min(earliest, this.hooks.nextDueAt() ?? Infinity)
    this.armTimer(next, now)
  }

  private track(lane: string, work: Promise<void>): void {
    const settled = () => {
      this.inFlight.delete(lane)
      this.wake()
      this.notifyIfIdle()
    }
    const tracked = work.then(settled, (error: unknown) => {
      this.hooks.failed?.(error)
      this.failedLanes.set(lane, this.clock.now() + RETRY_FAILED_PASS_MS)
      settled()
    })
    this.inFlight.set(lane, tracked)
  }

  private armTimer(dueAt: number, now: number): void {
    if (dueAt === Infinity) {
      this.cancelTimer()
      return
    }
    if (this.timerCancel && this.timerDueAt <= dueAt) return
    this.cancelTimer()
    this.timerDueAt = dueAt
    this.timerCancel = this.clock.setTimer(
      () => {
        this.timerCancel = undefined
        this.timerDueAt = Infinity
        this.wake()
      },
      Math.max(0, dueAt - now),
    )
  }

  private cancelTimer(): void {
    this.timerCancel?.()
    this.timerCancel = undefined
    this.timerDueAt = Infinity
  }

  private isIdle(): boolean {
    if (this.inFlight.size > 0 || this.scheduled || this.pass) return false
    const due = this.hooks.nextDueAt()
    return due === undefined || due > this.clock.now()
  }

  private notifyIfIdle(): void {
    if (this.idleListeners.size === 0 || !this.isIdle()) return
    const listeners = [...this.idleListeners]
    this.idleListeners.clear()
    for (const listener of listeners) listener()
  }
}
