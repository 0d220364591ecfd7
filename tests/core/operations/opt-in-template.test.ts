import { afterEach, describe, expect, it } from 'vitest'
import { ANA, RequestFailed, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

async function setTemplate(status: string): Promise<void> {
  const response = await fetch(`${h.sandbox.url}/sandbox/templates/greenline_opt_in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  })
  expect(response.status).toBe(200)
  await h.settle()
}

const systemLines = async (conversationId: string) =>
  (await h.thread(conversationId)).filter((m) => m.direction === 'system').map((m) => m.text ?? '')

describe('@operations the opt-in template as WhatsApp holds it, over real HTTP against the sandbox', () => {
  const cases = [
    { status: 'PAUSED', words: 'paused by WhatsApp' },
    { status: 'DISABLED', words: 'disabled by WhatsApp' },
    { status: 'REJECTED', words: 'rejected by WhatsApp' },
  ]
  for (const { status, words } of cases) {
    it(`${status} (told by webhook): no request leaves, the thread and the refusal say why; approved again, it goes`, async () => {
      h = await startEngineHarness()
      await setTemplate(status)
      const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
      await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'hello' })
      await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'are you there?' })
      await h.drain()

      expect(h.sandbox.deliveries(ANA)).toEqual([])
      expect(h.sends).toEqual([])
      const lines = await systemLines(conversation.id)
      // Said once, not after every message typed.
      expect(lines.filter((l) => l.includes(`The consent request template is ${words} — ask your admin.`))).toHaveLength(1)
      const typed = (await h.thread(conversation.id)).filter((m) => m.kind === 'text').map((m) => [m.text, m.status, m.holdReason])
      expect(typed).toEqual([
        ['hello', 'held', 'awaiting_consent'],
        ['are you there?', 'held', 'awaiting_consent'],
      ])
      const asked = h.as('priya')('conversations:requestConsent', { id: conversation.id })
      await expect(asked).rejects.toBeInstanceOf(RequestFailed)
      await expect(asked).rejects.toThrow(`The consent request template is ${words} — ask your admin.`)
      expect((await h.as('priya')('conversations:get', { id: conversation.id })).consent).toBe('none')

      await setTemplate('APPROVED')
      await h.as('priya')('conversations:requestConsent', { id: conversation.id })
      await h.drain()
      expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['template'])
      h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
      await h.drain()
      expect(h.sandbox.deliveries(ANA).map((d) => d.text)).toEqual([expect.any(String), 'hello', 'are you there?'])
    })
  }

  it('a state Greenline missed (no webhook reached it) is picked up when templates are read again', async () => {
    h = await startEngineHarness()
    await h.stopEngine()
    const response = await fetch(`${h.sandbox.url}/sandbox/templates/greenline_opt_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'PAUSED' }),
    })
    expect(response.status).toBe(200)
    // As if the status webhook never arrived: only a fresh read of the account's templates tells.
    await h.restart()
    h.engine.ctx.templates.replaceAll([])
    await h.as('priya')('templates:list', {})
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.drain()
    expect(h.sandbox.deliveries(ANA)).toEqual([])
    expect((await systemLines(conversation.id)).at(-1)).toMatch(/paused by WhatsApp — ask your admin/)
  })

  it('the thread shows the approved template text with its variable filled, as the person reads it', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.drain()
    const request = (await h.thread(conversation.id)).find((m) => m.kind === 'template')!
    const received = h.sandbox.deliveries(ANA)[0]
    expect(request.text).toBe(received.text)
    expect(request.text).toMatch(/^Hello! .+ would like to send you messages on WhatsApp\./)
  })
})
