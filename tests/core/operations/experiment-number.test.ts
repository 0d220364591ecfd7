import { afterEach, describe, expect, it } from 'vitest'
import { ANA, BEN, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

const EXPERIMENT = "WhatsApp did not deliver this because the person's number is part of a WhatsApp experiment."

async function failFor(phone: string, error: 130472 | null): Promise<void> {
  const response = await fetch(`${h.sandbox.url}/sandbox/users/${encodeURIComponent(phone)}/failure`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error }),
  })
  expect(response.status).toBe(200)
}

/** Ana and Ben agreed and wrote: both windows are open. */
async function consented(): Promise<{ ana: string; ben: string }> {
  h = await startEngineHarness()
  const ids: string[] = []
  for (const [phone, name] of [
    [ANA, 'Ana Souza'],
    [BEN, 'Ben Okafor'],
  ] as const) {
    const { conversation } = await h.openChat(phone, name, { requestConsent: true })
    await h.drain()
    h.sandbox.userWrites(phone, { buttonPayload: 'CONSENT_YES' })
    await h.drain()
    ids.push(conversation.id)
  }
  return { ana: ids[0], ben: ids[1] }
}

const texts = (phone: string) =>
  h.sandbox
    .deliveries(phone)
    .filter((d) => d.type === 'text')
    .map((d) => d.text)

describe('@operations 130472: the person’s number is part of a WhatsApp experiment, over real HTTP against the sandbox', () => {
  it('the office user sees the message failed and why; it stays in the thread, nothing else stops, and Retry sends it once', async () => {
    const { ana, ben } = await consented()
    await failFor(ANA, 130472)
    await h.as('priya')('messages:send', { conversationId: ana, text: 'Your results are ready' })
    await h.as('priya')('messages:send', { conversationId: ben, text: 'See you Tuesday' })
    await h.drain()

    const [message] = (await h.thread(ana)).filter((m) => m.kind === 'text' && m.direction === 'out')
    expect([message.text, message.status, message.errorCode, message.error]).toEqual([
      'Your results are ready',
      'failed',
      130472,
      EXPERIMENT,
    ])
    expect(texts(ANA)).toEqual([])
    // One person's number, not the account: Ben's message went, nothing is paused, consent stands.
    expect(texts(BEN)).toEqual(['See you Tuesday'])
    expect((await h.as('priya')('account:health', {})).paused).toBe(false)
    expect(await h.as('priya')('conversations:get', { id: ana })).toMatchObject({ consent: 'granted', state: 'active' })
    // Not retried on its own (Meta: do not retry): nothing waits in the outbox to go behind the office user's back.
    expect(h.engine.db.prepare('SELECT COUNT(*) FROM outbox WHERE message_id = ?').pluck().get(message.id)).toBe(0)

    await failFor(ANA, null)
    await h.as('priya')('messages:retry', { id: message.id })
    await h.drain()
    expect(texts(ANA)).toEqual(['Your results are ready'])
    const after = (await h.thread(ana)).find((m) => m.id === message.id)!
    expect([after.status, after.error]).toEqual(['delivered', undefined])
  })

  it('for the opt-in request: consent goes back to none with the reason on the thread, and it may be asked again at once', async () => {
    h = await startEngineHarness()
    await failFor(ANA, 130472)
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.drain()
    expect(await h.as('priya')('conversations:get', { id: conversation.id })).toMatchObject({ consent: 'none' })
    const lines = (await h.thread(conversation.id)).filter((m) => m.direction === 'system').map((m) => m.text)
    expect(lines.at(-1)).toBe(`The consent request did not reach Ana Souza: ${EXPERIMENT} It can be sent again once this is fixed.`)

    await failFor(ANA, null)
    await h.as('priya')('conversations:requestConsent', { id: conversation.id })
    await h.drain()
    expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['template'])
  })
})
