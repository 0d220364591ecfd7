import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WEBHOOK_RETRY_FOR_MS, webhookRetryDelayMs } from '../../electron/sandbox/webhook-queue'
import { ANA, startHarness, type Harness } from './harness'
import { messagesOf } from './webhook-receiver'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

const HOUR = 60 * 60 * 1000

/** Moves the sandbox clock hour by hour, letting each due retry go out. */
async function advanceHours(hours: number): Promise<void> {
  for (let i = 0; i < hours; i++) {
    h.clock.advance(HOUR)
    await h.sandbox.flushed()
  }
}

const copies = () => h.hooks.received.filter((x) => messagesOf(x).some((m) => m.text?.body === 'Still there?'))

describe('@operations webhook retries follow Meta’s schedule, compressed by the sandbox clock', () => {
  it('retries quickly, then about hourly, for 7 days', () => {
    expect([1, 2, 3, 4].map((n) => webhookRetryDelayMs(n))).toEqual([1000, 2000, 4000, 8000])
    expect(webhookRetryDelayMs(13)).toBe(HOUR)
    expect(webhookRetryDelayMs(400)).toBe(HOUR)
  })

  it('an endpoint down for a day and a half still gets the webhook, once', async () => {
    h.hooks.answerNext(...Array<number>(60).fill(503))
    h.sandbox.userWrites(ANA, { text: 'Still there?' })
    await h.sandbox.flushed()
    await advanceHours(36)
    expect(h.sandbox.webhookStats()).toMatchObject({ pending: 1, dropped: 0 })
    await advanceHours(30)
    expect(h.sandbox.webhookStats()).toMatchObject({ pending: 0, dropped: 0 })
    expect(copies().filter((c) => c.answeredWith === 200)).toHaveLength(1)
    // Between the quick retries and now, never more than one attempt an hour.
    expect(copies().length).toBeLessThan(61 + 1)
  })

  it('gives up 7 days after the first failure', async () => {
    h.hooks.answerNext(...Array<number>(400).fill(500))
    h.sandbox.userWrites(ANA, { text: 'Still there?' })
    await h.sandbox.flushed()
    await advanceHours(WEBHOOK_RETRY_FOR_MS / HOUR - 1)
    expect(h.sandbox.webhookStats()).toMatchObject({ pending: 1, dropped: 0 })
    await advanceHours(2)
    expect(h.sandbox.webhookStats()).toMatchObject({ pending: 0, dropped: 1 })
    expect(copies().every((c) => c.answeredWith === 500)).toBe(true)
  })
})
