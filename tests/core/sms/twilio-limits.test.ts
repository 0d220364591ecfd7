import { afterEach, expect, it } from 'vitest'
import { DAN, startTwilioHarness, type TwilioHarness } from './twilio-harness'

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
