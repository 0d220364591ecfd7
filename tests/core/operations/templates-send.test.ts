import { afterEach, describe, expect, it } from 'vitest'
import { ANA, RequestFailed, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

const reminder = (conversationId: string, params: string[]) => ({
  conversationId,
  name: 'appointment_reminder',
  language: 'en_US',
  params,
})

/** Ana agreed, wrote once, and a day passed: her window is closed. */
async function windowClosed() {
  h = await startEngineHarness()
  const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
  await h.settle()
  h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
  await h.settle()
  h.clock.advance(25 * 60 * 60 * 1000)
  return conversation.id
}

async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RequestFailed)
  return (error as Error).message
}

describe('@operations templates:send, over real HTTP against the sandbox', () => {
  it('sends an approved template with its variables where the window is closed; the thread shows the filled text', async () => {
    const conversationId = await windowClosed()
    const sent = await h.as('priya')('templates:send', reminder(conversationId, ['Ana', 'Monday 9 March at 10:00']))
    await h.drain()
    const text = 'Hello Ana, this is a reminder of your appointment on Monday 9 March at 10:00. Reply to confirm or reschedule.'
    expect(sent.text).toBe(text)
    const received = h.sandbox.deliveries(ANA).at(-1)!
    expect([received.type, received.text]).toEqual(['template', text])
    expect((await h.thread(conversationId)).find((m) => m.id === sent.id)?.status).toBe('delivered')
  })

  it('refuses missing variables, an unknown or paused template, and someone who has not agreed, saying why', async () => {
    const conversationId = await windowClosed()
    expect(await refusal(h.as('priya')('templates:send', reminder(conversationId, ['Ana'])))).toMatch(/Fill in all 2 fields/)
    expect(await refusal(h.as('priya')('templates:send', reminder(conversationId, ['Ana', '  '])))).toMatch(/Fill in all 2 fields/)
    expect(await refusal(h.as('priya')('templates:send', { ...reminder(conversationId, ['a', 'b']), name: 'nope' }))).toMatch(
      /no template nope/,
    )
    const ben = await h.openChat('+14155550102', 'Ben Okafor', { requestConsent: false })
    expect(await refusal(h.as('priya')('templates:send', reminder(ben.conversation.id, ['Ben', 'Monday'])))).toMatch(
      /Ben Okafor has not agreed/,
    )
    await fetch(`${h.sandbox.url}/sandbox/templates/appointment_reminder`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'PAUSED' }),
    })
    await h.settle()
    expect(await refusal(h.as('priya')('templates:send', reminder(conversationId, ['Ana', 'Monday'])))).toMatch(/is paused/)

    expect(h.sandbox.deliveries(ANA).filter((d) => d.template?.name === 'appointment_reminder')).toEqual([])
  })
})
