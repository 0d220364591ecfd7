import { afterEach, describe, expect, it } from 'vitest'
import { FIRST_PROBE_MS } from '../../../electron/core/outbox/account-health'
import { ANA, BEN, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${h.sandbox.url}/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
}

/** Ana (and Ben) consented and wrote: their windows are open. */
async function consentedChats() {
  h = await startEngineHarness()
  const chats = []
  for (const [phone, name] of [
    [ANA, 'Ana Souza'],
    [BEN, 'Ben Okafor'],
  ] as const) {
    const chat = await h.openChat(phone, name, { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(phone, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    chats.push(chat.conversation.id)
  }
  return chats
}

const texts = (phone: string) =>
  h.sandbox
    .deliveries(phone)
    .filter((d) => d.type === 'text')
    .map((d) => d.text)

async function waiting(conversationId: string) {
  return (await h.thread(conversationId)).filter((m) => m.kind === 'text').map((m) => [m.text, m.status, m.holdReason])
}

function attempts(): number[] {
  return (h.engine.db.prepare('SELECT attempts FROM outbox ORDER BY lane, seq').all() as Array<{ attempts: number }>).map((r) => r.attempts)
}

describe('@operations account-wide refusals pause the outbox, over real HTTP against the sandbox', () => {
  for (const code of [368, 131031, 190, 131042] as const) {
    it(`${code}: every WhatsApp message waits held with the reason, everyone is told, and a successful probe sends them in order`, async () => {
      const [ana, ben] = await consentedChats()
      await control('account', { error: code })
      const priya = h.as('priya')
      for (const text of ['one', 'two', 'three']) await priya('messages:send', { conversationId: ana, text })
      await priya('messages:send', { conversationId: ben, text: 'for Ben' })
      await h.drain()

      // At most the sends already under way (one per lane) met the refusal; nothing failed, no attempt was spent.
      expect(h.sends.filter((s) => s.code === code).length).toBeLessThanOrEqual(2)
      expect(await waiting(ana)).toEqual([
        ['one', 'held', 'account_paused'],
        ['two', 'held', 'account_paused'],
        ['three', 'held', 'account_paused'],
      ])
      expect(await waiting(ben)).toEqual([['for Ben', 'held', 'account_paused']])
      expect(attempts()).toEqual([0, 0, 0, 0])
      const health = await priya('account:health', {})
      expect(health).toMatchObject({ paused: true, code, reason: expect.any(String) })
      expect(h.events('priya', 'account:changed').at(-1)).toMatchObject({ paused: true, code })
      expect(h.events('sam', 'account:changed').at(-1)).toMatchObject({ paused: true, code })

      // A new message while paused waits the same way.
      await priya('messages:send', { conversationId: ana, text: 'four' })
      await h.drain()
      expect((await waiting(ana)).at(-1)).toEqual(['four', 'held', 'account_paused'])

      // The probe still finds the account refused: nothing moves, and it checks again later.
      h.clock.advance(FIRST_PROBE_MS)
      await h.settle()
      expect((await priya('account:health', {})).paused).toBe(true)

      await control('account', { error: null })
      h.clock.advance(2 * FIRST_PROBE_MS)
      await h.settle()
      await h.drain()
      expect((await priya('account:health', {})).paused).toBe(false)
      expect(h.events('priya', 'account:changed').at(-1)).toEqual({ paused: false })
      expect(texts(ANA)).toEqual(['one', 'two', 'three', 'four'])
      expect(texts(BEN)).toEqual(['for Ben'])
    })
  }

  it('an admin resumes by hand; a message that meets the refusal again pauses it again without failing', async () => {
    const [ana] = await consentedChats()
    await control('account', { error: 131031 })
    await h.as('priya')('messages:send', { conversationId: ana, text: 'one' })
    await h.drain()
    expect((await h.as('priya')('account:resume', {})).paused).toBe(false)
    await h.drain()
    // Still locked: held again, never failed.
    expect(await waiting(ana)).toEqual([['one', 'held', 'account_paused']])
    expect((await h.as('priya')('account:health', {})).paused).toBe(true)

    await control('account', { error: null })
    await h.as('priya')('account:resume', {})
    await h.drain()
    expect(texts(ANA)).toEqual(['one'])
    expect(await waiting(ana)).toEqual([['one', 'delivered', undefined]])
  })

  it('stays paused across a restart and checks the account at once when it starts (a new token may be in place)', async () => {
    const [ana] = await consentedChats()
    await control('account', { error: 190 })
    await h.as('priya')('messages:send', { conversationId: ana, text: 'after restart' })
    await h.drain()
    await h.stopEngine()
    await control('account', { error: null })
    await h.restart()
    await h.settle()
    await h.drain()
    expect(texts(ANA)).toEqual(['after restart'])
  })

  it('does not hold SMS: another provider is not refused', async () => {
    const [ana] = await consentedChats()
    await control('account', { error: 368 })
    await h.as('priya')('messages:send', { conversationId: ana, text: 'held' })
    await h.drain()
    const sms = await h.as('priya')('conversations:start', {
      contactId: (await h.as('priya')('conversations:get', { id: ana })).contactId,
      channel: 'sms',
    })
    await h.as('priya')('messages:send', { conversationId: sms.id, text: 'by SMS' })
    await h.drain()
    expect((await h.thread(sms.id)).find((m) => m.text === 'by SMS')?.status).not.toBe('held')
  })
})
