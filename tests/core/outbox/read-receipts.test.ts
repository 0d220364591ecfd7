import { afterEach, describe, expect, it } from 'vitest'
import { OutboxScheduler } from '../../../electron/core/outbox/scheduler'
import type { WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { compliantEngine, type CompliantEngine } from '../compliance/helpers'

let t: CompliantEngine | undefined
afterEach(async () => {
  await t?.engine.close()
  t = undefined
})

/** A scheduler at 1 message/s (a burst of one) whose client records read receipts. */
function receipts(answer: () => Awaited<ReturnType<WhatsAppClient['markRead']>> = () => ({ ok: true, value: undefined })) {
  t = compliantEngine()
  const marked: string[] = []
  const whatsapp = { markRead: (id: string) => (marked.push(id), Promise.resolve(answer())) } as unknown as WhatsAppClient
  const scheduler = new OutboxScheduler(t.engine.ctx, {
    whatsapp,
    optInTemplate: { name: 'opt_in', language: 'en_US' },
    messagesPerSecond: 1,
  })
  return { scheduler, marked, clock: t.clock }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('read receipts go through the rate limiter', () => {
  it('share the number throughput: a second receipt waits on the clock for a token', async () => {
    const { scheduler, marked, clock } = receipts()
    await scheduler.sendReadReceipt('wamid.1')
    const second = scheduler.sendReadReceipt('wamid.2')
    await flush()
    expect(marked).toEqual(['wamid.1'])
    clock.advance(999)
    await flush()
    expect(marked).toEqual(['wamid.1'])
    clock.advance(1)
    await second
    expect(marked).toEqual(['wamid.1', 'wamid.2'])
  })

  it('a 130429 answer slows every later Graph call down for its retry-after', async () => {
    let answer: Awaited<ReturnType<WhatsAppClient['markRead']>> = {
      ok: false,
      error: { kind: 'rate_limited', code: 130429, reason: 'slow down', retryAfterMs: 10_000 },
    }
    const { scheduler, marked, clock } = receipts(() => answer)
    await scheduler.sendReadReceipt('wamid.1')
    answer = { ok: true, value: undefined }
    const next = scheduler.sendReadReceipt('wamid.2')
    clock.advance(5000)
    await flush()
    expect(marked).toEqual(['wamid.1'])
    clock.advance(5000)
    await next
    expect(marked).toEqual(['wamid.1', 'wamid.2'])
  })

  it('shutdown gives up receipts still waiting for a token', async () => {
    const { scheduler, marked } = receipts()
    await scheduler.sendReadReceipt('wamid.1')
    const waiting = scheduler.sendReadReceipt('wamid.2')
    await scheduler.shutdown()
    await waiting
    expect(marked).toEqual(['wamid.1'])
  })
})
