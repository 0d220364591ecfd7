import { describe, expect, it } from 'vitest'
import { LaneRunner, RETRY_FAILED_PASS_MS, type LaneItem } from '../../../electron/core/outbox/lane-runner'
import { ManualClock } from '../../../electron/shared/clock'

interface Item extends LaneItem {
  id: string
}

/** A queue of items in memory; `start` returns a promise the test resolves by hand. */
function harness(
  options: {
    maxInFlight?: number
    availableAt?: (item: Item, now: number) => number
    failing?: () => boolean
    /** An item's work rejects (the database went away mid-send). */
    workFails?: () => boolean
  } = {},
) {
  const clock = new ManualClock(1_000_000)
  const items: Item[] = []
  const started: string[] = []
  const finish = new Map<string, () => void>()
  const failures: unknown[] = []
  const runner = new LaneRunner<Item>(
    clock,
    {
      heads: () => {
        if (options.failing?.()) return Promise.reject(new Error('database away'))
        const seen = new Set<string>()
        return items.filter((i) => !seen.has(i.lane) && seen.add(i.lane)).sort((a, b) => a.due_at - b.due_at)
      },
      nextDueAt: () => (items.length ? Math.min(...items.map((i) => i.due_at)) : undefined),
      availableAt: options.availableAt ?? ((_item, now) => now),
      take: () => {},
      failed: (error) => failures.push(error),
      start: (item) => {
        started.push(item.id)
        if (options.workFails?.()) return Promise.reject(new Error('database away mid-send'))
        return new Promise<void>((resolve) =>
          finish.set(item.id, () => {
            items.splice(items.indexOf(item), 1)
            resolve()
          }),
        )
      },
    },
    options.maxInFlight ?? 16,
  )
  const add = (id: string, lane: string, dueIn = 0) =>
    items.push({ id, lane, state: 'ready', due_at: clock.now() + dueIn, lease_until: null })
  const flush = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  const done = async (id: string) => {
    finish.get(id)!()
    await flush()
  }
  return { clock, runner, add, started, done, flush, failures }
}

describe('LaneRunner', () => {
  it('runs one item per lane at a time, lanes in parallel, in lane order', async () => {
    const { runner, add, started, done, flush } = harness()
    add('a1', 'a')
    add('a2', 'a')
    add('b1', 'b')
    runner.start()
    await flush()
    expect(started).toEqual(['a1', 'b1'])
    expect(runner.inFlightCount).toBe(2)
    await done('a1')
    expect(started).toEqual(['a1', 'b1', 'a2'])
  })

  it('never has more than maxInFlight items under way', async () => {
    const { runner, add, started, done, flush } = harness({ maxInFlight: 2 })
    for (const lane of ['a', 'b', 'c']) add(`${lane}1`, lane)
    runner.start()
    await flush()
    expect(started).toHaveLength(2)
    await done(started[0])
    expect(started).toHaveLength(3)
  })

  it('sleeps until the next due time or the end of a rate limit, without polling', async () => {
    let limitedUntil = 0
    const { clock, runner, add, started, done, flush } = harness({ availableAt: (_i, now) => Math.max(now, limitedUntil) })
    add('later', 'a', 5000)
    runner.start()
    await flush()
    expect(started).toEqual([])
    clock.advance(4999)
    await flush()
    expect(started).toEqual([])
    limitedUntil = clock.now() + 3000
    clock.advance(1)
    await flush()
    // Due, but the rate limit says not before limitedUntil.
    expect(started).toEqual([])
    clock.advance(3000)
    await flush()
    expect(started).toEqual(['later'])
    await done('later')
    await runner.idle()
  })

  it('pauses, resumes, and drains what is under way on shutdown', async () => {
    const { runner, add, started, done, flush } = harness()
    add('a1', 'a')
    runner.start()
    await flush()
    runner.pause()
    add('b1', 'b')
    runner.wake()
    await flush()
    expect(started).toEqual(['a1'])
    runner.resume()
    await flush()
    expect(started).toEqual(['a1', 'b1'])
    let drained = false
    const stopping = runner.shutdown().then(() => (drained = true))
    add('c1', 'c')
    runner.wake()
    await flush()
    expect(drained).toBe(false)
    expect(started).toEqual(['a1', 'b1'])
    await done('a1')
    await done('b1')
    await stopping
    expect(runner.state).toBe('stopped')
  })

  it('idle() resolves only once nothing is in flight and nothing is due', async () => {
    const { runner, add, done, flush } = harness()
    add('a1', 'a')
    runner.start()
    await flush()
    let idle = false
    void runner.idle().then(() => (idle = true))
    await flush()
    expect(idle).toBe(false)
    await done('a1')
    expect(idle).toBe(true)
  })

  it('a pass that fails (the database went away) is reported and tried again a second later', async () => {
    let away = true
    const { clock, runner, add, started, flush, failures } = harness({ failing: () => away })
    add('a1', 'a')
    runner.start()
    await flush()
    expect(started).toEqual([])
    expect(failures).toHaveLength(1)
    await flush()
    expect(started).toEqual([])
    away = false
    clock.advance(RETRY_FAILED_PASS_MS)
    await flush()
    expect(started).toEqual(['a1'])
  })

  it("an item's work that fails is reported, not thrown, and its lane tried again a second later", async () => {
    let away = true
    const { clock, runner, add, started, flush, failures } = harness({ workFails: () => away })
    add('a1', 'a')
    add('b1', 'b')
    runner.start()
    await flush()
    expect(started).toEqual(['a1', 'b1'])
    expect(failures).toHaveLength(2)
    // Not at once again (that would spin while the database is away)…
    runner.wake()
    await flush()
    expect(started).toEqual(['a1', 'b1'])
    // …but a second later, once it is back.
    away = false
    clock.advance(RETRY_FAILED_PASS_MS)
    await flush()
    expect(started).toEqual(['a1', 'b1', 'a1', 'b1'])
  })

  it('a wake during a pass asks for one more pass after it, never two at once', async () => {
    let release!: () => void
    let passes = 0
    let concurrent = 0
    let most = 0
    const clock = new ManualClock(1_000_000)
    const runner = new LaneRunner<Item>(
      clock,
      {
        heads: async () => {
          passes++
          most = Math.max(most, ++concurrent)
          if (passes === 1) await new Promise<void>((resolve) => (release = resolve))
          concurrent--
          return []
        },
        nextDueAt: () => undefined,
        availableAt: (_item, now) => now,
        take: () => {},
        start: () => undefined,
      },
      16,
    )
    runner.start()
    while (passes === 0) await Promise.resolve()
    runner.wake()
    runner.wake()
    release()
    await runner.idle()
    expect(passes).toBe(2)
    expect(most).toBe(1)
  })
})
