/**
 * Time as the whole system sees it. Logic never reads `Date.now()` directly: it takes a Clock, so
 * tests and the sandbox can move time forward (e.g. +25 h to close the WhatsApp window).
 */
export interface Clock {
  now(): number
  /** Calls `callback` once `delayMs` of this clock's time has passed; returns a cancel function. */
  setTimer(callback: () => void, delayMs: number): () => void
  /** Called after the clock jumps forward; returns an unsubscribe function. */
  onJump(listener: (now: number) => void): () => void
}

interface PendingTimer {
  dueAt: number
  callback: () => void
  realTimer?: ReturnType<typeof setTimeout>
}

/**
 * Real time plus an offset that only grows. Timers run on real time, and a jump fires every timer
 * that the jump made due. Shared by the engine and the embedded sandbox so both agree on "now".
 */
export class OffsetClock implements Clock {
  private offsetMs = 0
  private readonly timers = new Set<PendingTimer>()
  private readonly jumpListeners = new Set<(now: number) => void>()

  constructor(private readonly realNow: () => number = () => Date.now()) {}

  now(): number {
    return this.realNow() + this.offsetMs
  }

  get offset(): number {
    return this.offsetMs
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer: PendingTimer = { dueAt: this.now() + Math.max(0, delayMs), callback }
    this.timers.add(timer)
    this.arm(timer)
    return () => {
      if (timer.realTimer) clearTimeout(timer.realTimer)
      this.timers.delete(timer)
    }
  }

  onJump(listener: (now: number) => void): () => void {
    this.jumpListeners.add(listener)
    return () => this.jumpListeners.delete(listener)
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward')
    this.offsetMs += ms
    for (const timer of [...this.timers]) {
      if (timer.realTimer) clearTimeout(timer.realTimer)
      this.arm(timer)
    }
    const now = this.now()
    for (const listener of [...this.jumpListeners]) listener(now)
    return now
  }

  private arm(timer: PendingTimer): void {
    const wait = Math.max(0, timer.dueAt - this.now())
    timer.realTimer = setTimeout(() => {
      this.timers.delete(timer)
      timer.callback()
    }, wait)
    timer.realTimer.unref?.()
  }
}

/** A clock that moves only when told to: for unit tests. Timers fire synchronously on `advance`. */
export class ManualClock implements Clock {
  private current: number
  private readonly timers = new Set<{ dueAt: number; callback: () => void }>()
  private readonly jumpListeners = new Set<(now: number) => void>()

  constructor(start = Date.UTC(2026, 10, 25, 9, 0, 0)) {
    this.current = start
  }

  now(): number {
    return this.current
  }

  setTimer(callback: () => void, delayMs: number): () => void {
    const timer = { dueAt: this.current + Math.max(0, delayMs), callback }
    this.timers.add(timer)
    return () => this.timers.delete(timer)
  }

  onJump(listener: (now: number) => void): () => void {
    this.jumpListeners.add(listener)
    return () => this.jumpListeners.delete(listener)
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward')
    this.current += ms
    const due = [...this.timers].filter((t) => t.dueAt <= this.current).sort((a, b) => a.dueAt - b.dueAt)
    for (const timer of due) {
      this.timers.delete(timer)
      timer.callback()
    }
    for (const listener of [...this.jumpListeners]) listener(this.current)
    return this.current
  }
}
