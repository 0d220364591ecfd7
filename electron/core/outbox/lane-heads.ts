import type { EngineContext } from '../context'
import type * as outbox from '../db/repositories/outbox'
import { DueHeap } from './due-heap'
import { laneBlock, laneHeads } from './hold-rule'
import * as transitions from './transitions'

/** When a head may run: a leased one when its lease ends. */
const dueOf = (head: outbox.OutboxRow): number => (head.state === 'leased' ? (head.lease_until ?? head.due_at) : head.due_at)

/** Most lanes re-read per slice. */
export const LANES_PER_SLICE = 200

/**
 * Longest a slice keeps re-reading where reads do not yield (SQLite answers synchronously): a lane
 * costs ~20–100 µs, and 200 of them took ~18 ms here, over the 5 ms stall budget. On PostgreSQL
 * every read waits on the network, so the event loop runs meanwhile and only the count applies.
 */
export const SLICE_MS = 3

/**
 * The head of every lane that has something ready or under way, kept in memory (issue 21): a wake
 * reads only the lanes written since the last one (the outbox repository marks them), never the
 * held rows of every lane. Rebuilt from the `outbox_due` index at start; a lane is re-read in
 * O(its own rows). Large changes (a bulk release of 5,000 lanes) are re-read in slices of at most
 * `LANES_PER_SLICE` lanes (and `sliceMs`), and `refresh` says when more slices remain so the caller
 * yields between them.
 */
export class LaneHeads {
  private readonly heads = new Map<string, outbox.OutboxRow>()
  private readonly due = new DueHeap<outbox.OutboxRow>((lane, head) => this.heads.get(lane) === head)
  private readonly pending = new Set<string>()
  private rebuilt = false
  /** Lanes other server instances wrote (`all`: re-read every lane), told through the cluster link. */
  private elsewhere = { lanes: new Set<string>(), all: false }
  /** Lanes re-read since this object was made (tests check that a wake reads only changed lanes). */
  lanesRead = 0

  private readonly written: ((lanes: Set<string>) => void) | undefined
  private readonly sliceMs: number
  private readonly workClock: () => number

  /**
   * `written`: told the lanes this process wrote, when it takes them (the scheduler tells other
   * instances). `sliceMs`: a time bound per slice besides the count (SLICE_MS on SQLite), measured
   * on `workClock` (real time: re-reading is work, not waiting).
   */
  constructor(
    private readonly ctx: EngineContext,
    options: { written?: (lanes: Set<string>) => void; sliceMs?: number; workClock?: () => number } = {},
  ) {
    this.written = options.written
    this.sliceMs = options.sliceMs ?? Infinity
    this.workClock = options.workClock ?? (() => performance.now())
  }

  /** Lanes another instance wrote (undefined: every lane) are re-read on the next refresh. */
  changedElsewhere(lanes?: Iterable<string>): void {
    if (!lanes) this.elsewhere.all = true
    else for (const lane of lanes) this.elsewhere.lanes.add(lane)
  }

  /** Re-reads changed lanes (at most one slice); true when more lanes wait for the next slice. */
  async refresh(): Promise<boolean> {
    const changed = await this.ctx.store.outbox.takeChangedLanes()
    if (changed.lanes.size > 0) this.written?.(changed.lanes)
    const elsewhere = this.elsewhere
    this.elsewhere = { lanes: new Set(), all: false }
    for (const lane of elsewhere.lanes) changed.lanes.add(lane)
    if (!this.rebuilt || changed.all || elsewhere.all) {
      this.rebuilt = true
      this.heads.clear()
      this.due.clear()
      this.pending.clear()
      // Reading the active lanes now covers every write before it.
      for (const lane of await this.ctx.store.outbox.activeLanes()) this.pending.add(lane)
    } else {
      // A changed lane's old head may be gone (sent, held): it is never offered until re-read.
      for (const lane of changed.lanes) {
        this.heads.delete(lane)
        this.pending.add(lane)
      }
    }
    const deadline = this.workClock() + this.sliceMs
    let read = 0
    for (const lane of this.pending) {
      if (read === LANES_PER_SLICE || (read > 0 && this.workClock() >= deadline)) break
      read++
      this.pending.delete(lane)
      await this.readLane(lane)
    }
    return this.pending.size > 0
  }

  /** True while changed lanes wait to be re-read. */
  async isStale(): Promise<boolean> {
    if (this.pending.size > 0 || this.elsewhere.all || this.elsewhere.lanes.size > 0) return true
    return await this.ctx.store.outbox.hasChangedLanes()
  }

  /** The heads, oldest re-read first (a lane goes to the back each time its head changes). */
  values(): IterableIterator<outbox.OutboxRow> {
    return this.heads.values()
  }

  /** When the earliest head may run (a leased head: when its lease ends), or undefined. */
  nextDueAt(): number | undefined {
    return this.due.min()
  }

  private async readLane(lane: string): Promise<void> {
    this.lanesRead++
    this.heads.delete(lane)
    const rows = await this.ctx.store.outbox.laneCandidates(lane)
    if (rows.length === 0) return
    const { heads, blocked } = laneHeads(rows)
    if (heads[0]) {
      this.heads.set(lane, heads[0])
      this.due.push(dueOf(heads[0]), lane, heads[0])
      this.due.compact(this.heads.size, () => [...this.heads].map(([l, head]) => ({ due: dueOf(head), lane: l, head })))
    }
    // Rows behind a held message wait with it, showing why.
    for (const list of blocked) {
      const firstHeld = list.find((r) => r.state === 'held')?.seq ?? Infinity
      const behind = list.filter((row) => row.state === 'ready' && row.seq > firstHeld)
      if (behind.length === 0) continue
      const reason = await laneBlock(this.ctx, list)
      if (reason) for (const row of behind) await transitions.hold(this.ctx, row.message_id, reason)
    }
  }
}
