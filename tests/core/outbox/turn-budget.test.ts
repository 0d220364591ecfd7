import { describe, expect, it } from 'vitest'
import { TurnBudget } from '../../../electron/core/outbox/turn-budget'

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Starts `count` pieces of work that each wait for the budget; returns which have run so far. */
function startWork(budget: TurnBudget, count: number) {
  const ran: number[] = []
  const done = Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await budget.turn()
      ran.push(i)
    }),
  )
  return { ran, done }
}

describe('TurnBudget: work that never waits shares event-loop turns (issue 21)', () => {
  it('lets work run in this turn while the budget lasts, the rest in later turns, in order', async () => {
    let now = 0
    // Each look at the work clock costs 1 ms: a 3 ms turn runs the first three pieces of work.
    const { ran, done } = startWork(new TurnBudget(3, () => now++), 10)
    await Promise.resolve()
    expect(ran).toEqual([0, 1, 2])
    await nextTurn()
    expect(ran.length).toBeGreaterThan(3)
    expect(ran.length).toBeLessThan(10)
    await done
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('runs everything at once when the work takes no time', async () => {
    const { ran, done } = startWork(new TurnBudget(3, () => 0), 10)
    await Promise.resolve()
    expect(ran).toHaveLength(10)
    await done
  })

  it('gives each turn its own budget', async () => {
    let now = 0
    const budget = new TurnBudget(3, () => now++)
    expect(budget.spent()).toBe(false)
    now += 5
    expect(budget.spent()).toBe(true)
    await nextTurn()
    expect(budget.spent()).toBe(false)
  })
})
