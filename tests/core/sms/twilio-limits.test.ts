import { afterEach, expect, it } from 'vitest'
import { BEN, DAN, startTwilioHarness, type TwilioHarness } from './twilio-harness'

let h: TwilioHarness | undefined
afterEach(async () => {
  await h?.close()
})

it('paces texts at the provider’s own rate through the same outbox @sms', async () => {
  h = await startTwilioHarness({ messagesPerSecond: 0.01 })
  const harness = h
  const contact = await harness.call('contacts:create', { name: 'Dan Notonwa', phone: DAN })
  const conversation = await harness.call('conversations:start', { contactId: contact.id, channel: 'sms' })
  await harness.call('messages:send', { conversationId: conversation.id, text: 'First' })
  await harness.call('messages:send', { conversationId: conversation.id, text: 'Second' })
  const statuses = async () => (await harness.thread(conversation.id)).map((m) => m.status)
  await expect.poll(statuses).toEqual(['delivered', 'queued'])
  const sent = async () => ((await harness.control('GET', '/messages')).body as Array<{ body: string }>).map((m) => m.body)
  expect(await sent()).toEqual(['First'])
  // One text every 100 s: the second goes once the clock gets there, in order.
  harness.clock.advance(100_000)
  await expect.poll(statuses).toEqual(['delivered', 'delivered'])
  expect(await sent()).toEqual(['First', 'Second'])
})

it('waits out Twilio’s 429 with every text, then sends each once, in order @sms', async () => {
  h = await startTwilioHarness()
  const harness = h
  const thread = async (name: string, phone: string) => {
    const contact = await harness.call('contacts:create', { name, phone })
    return harness.call('conversations:start', { contactId: contact.id, channel: 'sms' })
  }
  const dan = await thread('Dan Notonwa', DAN)
  const ben = await thread('Ben Okafor', BEN)
  const statusOf = (conversationId: string) => async () => (await harness.thread(conversationId)).map((m) => m.status)
  const sent = async () => ((await harness.control('GET', '/messages')).body as Array<{ body: string }>).map((m) => m.body)
  const throttled = async () => (await harness.control('GET', '')).body.throttled as number

  // Twilio's account is over its concurrency limit: the next call answers 429 / 20429, Retry-After 30.
  await harness.control('POST', '/throttle', { requests: 1, retryAfterSeconds: 30 })
  await harness.call('messages:send', { conversationId: dan.id, text: 'First' })
  await expect.poll(throttled).toBe(1)
  await harness.engine.settled()
  expect(await statusOf(dan.id)()).toEqual(['queued'])
  // The limit is the account's: a text to someone else waits too, rather than hit it again.
  await harness.call('messages:send', { conversationId: ben.id, text: 'Second' })
  const nothingLeaves = async () => {
    // The scheduler decides on a microtask after each wake; a send it started would hold a lease.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve))
    expect(harness.engine.scheduler.inFlightCount).toBe(0)
    expect(harness.engine.db.prepare(`SELECT state FROM outbox ORDER BY seq`).all()).toEqual([{ state: 'ready' }, { state: 'ready' }])
    expect(await sent()).toEqual([])
    expect(await throttled()).toBe(1)
  }
  await nothingLeaves()
  harness.clock.advance(29_000)
  await nothingLeaves()
  expect(await statusOf(ben.id)()).toEqual(['queued'])

  harness.clock.advance(2_000)
  await expect.poll(statusOf(dan.id)).toEqual(['delivered'])
  await expect.poll(statusOf(ben.id)).toEqual(['delivered'])
  expect(await sent()).toEqual(['First', 'Second'])
})
