import { describe, expect, it } from 'vitest'
import { DueHeap } from '../../../electron/core/outbox/due-heap'
import { seededRandom } from '../../../electron/shared/random'

describe('DueHeap', () => {
  it("gives the earliest due time of the lanes' current heads, skipping replaced ones", () => {
    const current = new Map<string, number>()
    const heap = new DueHeap<number>((lane, head) => current.get(lane) === head)
    const set = (lane: string, head: number, due: number) => {
      current.set(lane, head)
      heap.push(due, lane, head)
    }
    expect(heap.min()).toBeUndefined()
    set('ana', 1, 500)
    set('ben', 2, 300)
    expect(heap.min()).toBe(300)
    set('ben', 3, 900) // ben's head was sent; his next is due later
    expect(heap.min()).toBe(500)
    current.delete('ana') // ana's lane emptied
    expect(heap.min()).toBe(900)
  })

  it('agrees with a scan of the heads over many random changes, and stays small', () => {
    const random = seededRandom(21)
    const current = new Map<string, { due: number }>()
    const heap = new DueHeap<{ due: number }>((lane, head) => current.get(lane) === head)
    for (let step = 0; step < 20_000; step++) {
      const lane = `lane${Math.floor(random() * 50)}`
      if (random() < 0.2) current.delete(lane)
      else {
        const head = { due: Math.floor(random() * 10_000) }
        current.set(lane, head)
        heap.push(head.due, lane, head)
        heap.compact(current.size, () => [...current].map(([l, h]) => ({ due: h.due, lane: l, head: h })))
      }
      const scan = current.size ? Math.min(...[...current.values()].map((h) => h.due)) : undefined
      expect(heap.min()).toBe(scan)
    }
    expect((heap as unknown as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(4 * 50 + 1000)
  })
})
