/**
 * The earliest due time among lane heads, without scanning them (issue 21: the scheduler asked for
 * it after every send, and a scan of 5,000 heads per send was a tenth of a bulk release's time).
 * A binary min-heap of `(due, lane, head)` entries with lazy deletion: an entry counts only while
 * `isCurrent(lane, head)` says its head is still the lane's; the others are dropped when they reach
 * the top, and the heap is rebuilt when stale entries outnumber the live ones four to one.
 */
export class DueHeap<H> {
  private entries: Array<{ due: number; lane: string; head: H }> = []

  constructor(private readonly isCurrent: (lane: string, head: H) => boolean) {}

  push(due: number, lane: string, head: H): void {
    this.entries.push({ due, lane, head })
    this.up(this.entries.length - 1)
  }

  /** The earliest due time of a current entry, or undefined. */
  min(): number | undefined {
    while (this.entries.length > 0 && !this.isCurrent(this.entries[0].lane, this.entries[0].head)) this.pop()
    return this.entries[0]?.due
  }

  /** Rebuilds from the current heads when most entries are stale (`live`: how many heads there are). */
  compact(live: number, current: () => Iterable<{ due: number; lane: string; head: H }>): void {
    if (this.entries.length <= 4 * live + 1000) return
    this.clear()
    for (const entry of current()) this.push(entry.due, entry.lane, entry.head)
  }

  clear(): void {
    this.entries = []
  }

  private pop(): void {
    const last = this.entries.pop()!
    if (this.entries.length === 0) return
    this.entries[0] = last
    this.down(0)
  }

  private up(index: number): void {
    const entries = this.entries
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (entries[parent].due <= entries[index].due) return
      ;[entries[parent], entries[index]] = [entries[index], entries[parent]]
      index = parent
    }
  }

  private down(index: number): void {
    const entries = this.entries
    for (;;) {
      const left = 2 * index + 1
      const right = left + 1
      let smallest = index
      if (left < entries.length && entries[left].due < entries[smallest].due) smallest = left
      if (right < entries.length && entries[right].due < entries[smallest].due) smallest = right
      if (smallest === index) return
      ;[entries[smallest], entries[index]] = [entries[index], entries[smallest]]
      index = smallest
    }
  }
}
