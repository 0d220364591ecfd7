import type { EngineContext } from '../context'
import type * as outbox from '../db/repositories/outbox'
import { DueHeap } from './due-heap'
import { laneBlock, laneHeads } from './hold-rule'
import * as transitions from './transitions'
import type { TurnBudget } from './turn-budget'

/** When a head may run: a leased one when its lease ends. */
const dueOf = (head: outbox.OutboxRow): number => (head.state === 'leased' ? (head.lease_until ?? head.due_at) : head.due_at)

/** Most lanes re-read per slice. */
export const LANES_PER_SLICE = 200

/**
 * The head of every lane that has something ready or under way, kept in memory (issue 21): a wake
 * reads only the lanes written since the last one (the outbox repository marks them), never the
 * held rows of every lane. Rebuilt from the `outbox_due` index at start; a lane is re-read in
 * O(its own rows). Large changes (a bulk release of 5,000 lanes) are re-read in slices of at most
 * `LANES_PER_SLICE` lanes (and, on SQLite, within the turn's time budget: a lane costs ~15–100 µs,
 * 200 of them took ~18 ms here, and every send settled in a turn wakes a pass), and `refresh` says
 * when more slices remain so the caller yields between them.
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
  private readonly budget: TurnBudget | undefined

  /**
   * `written`: told the lanes this process wrote, when it takes them (the scheduler tells other
   * instances). `budget`: the event-loop turn's time, shared with the sends (SQLite).
   */
  constructor(
    private readonly ctx: EngineContext,
    options: { written?: (lanes: Set<string>) => void; budget?: TurnBudget } = {},
  ) {
    this.written = options.written
    this.budget = options.budget
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
    let read = 0
    for (const lane of this.pending) {
      // At least one lane per slice, so re-reading always moves on.
      if (read === LANES_PER_SLICE || (read > 0 && this.budget?.spent())) break
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
