import { afterEach, describe, expect, it } from 'vitest'
import { ANA, RequestFailed, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

async function control(path: string, body: unknown): Promise<Response> {
  return fetch(`${h.sandbox.url}/sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function consentOf(conversationId: string) {
  const conversation = await h.as('priya')('conversations:get', { id: conversationId })
  return { consent: conversation.consent, state: conversation.state }
}

async function systemLines(conversationId: string): Promise<string[]> {
  return (await h.thread(conversationId)).filter((m) => m.direction === 'system').map((m) => m.text ?? '')
}

describe('@operations a failed opt-in request leaves consent as it was, over real HTTP against the sandbox', () => {
  const templateCases: Array<{ status: string; code: number; words: RegExp }> = [
    { status: 'PAUSED', code: 132015, words: /paused/i },
    { status: 'DISABLED', code: 132016, words: /disabled/i },
    { status: 'REJECTED', code: 132001, words: /not approved/i },
  ]
  for (const { status, code, words } of templateCases) {
    it(`template ${status} (${code}) refused at send: consent back to none with the reason, and a new request may go at once`, async () => {
      h = await startEngineHarness()
      expect((await control('templates/greenline_opt_in', { status })).status).toBe(200)
      await h.settle()
      // Greenline did not hear of the change (a missed webhook): WhatsApp's refusal must still be handled.
      h.engine.ctx.templates.replaceAll([])
      const { conversation } = await h.openChat(ANA, 'Ana Souza')
      await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'hello' })
      await h.drain()

      expect(h.sends.at(-1)).toMatchObject({ outcome: 'template', code })
      expect(h.sandbox.deliveries(ANA)).toEqual([])
      expect(await consentOf(conversation.id)).toEqual({ consent: 'none', state: 'awaiting_consent' })
      const request = (await h.thread(conversation.id)).find((m) => m.kind === 'template')!
      expect([request.status, request.error]).toEqual(['failed', expect.stringMatching(words)])
      expect((await systemLines(conversation.id)).at(-1)).toMatch(/The consent request did not reach Ana Souza: .* sent again/)
      // The message typed is still held for consent, not lost.
      const typed = (await h.thread(conversation.id)).find((m) => m.text === 'hello')!
      expect([typed.status, typed.holdReason]).toEqual(['held', 'awaiting_consent'])

      // Fixed in WhatsApp Manager: the request may go again straight away (no 24-hour wait).
      expect((await control('templates/greenline_opt_in', { status: 'APPROVED' })).status).toBe(200)
      await h.as('priya')('conversations:requestConsent', { id: conversation.id })
      await h.drain()
      expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['template'])
      expect(await consentOf(conversation.id)).toEqual({ consent: 'requested', state: 'awaiting_consent' })
      h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
      await h.drain()
      expect(h.sandbox.deliveries(ANA).map((d) => d.text)).toContain('hello')
    })
  }

  it('wrong parameters for the configured template (132000): consent back to none with the reason, nothing reached the person', async () => {
    h = await startEngineHarness()
    // An admin picked a template with two variables as the opt-in; Greenline fills one.
    h.engine.reconfigure({ whatsapp: { ...h.whatsapp, optInTemplate: { name: 'appointment_reminder', language: 'en_US' } } })
    await h.settle()
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.drain()
    expect(h.sends.at(-1)).toMatchObject({ code: 132000 })
    expect(h.sandbox.deliveries(ANA)).toEqual([])
    expect(await consentOf(conversation.id)).toEqual({ consent: 'none', state: 'awaiting_consent' })
    expect((await systemLines(conversation.id)).at(-1)).toMatch(/The consent request did not reach Ana Souza: .* sent again/)
  })

  for (const code of [131049, 131050] as const) {
    it(`a ${code} failed status webhook for the request: consent back to none, request allowed again`, async () => {
      h = await startEngineHarness()
      expect((await control(`users/${encodeURIComponent(ANA)}/failure`, { error: code })).status).toBe(200)
      const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
      await h.drain()
      expect(h.sends.at(-1)).toEqual({ outcome: 'ok' })
      expect(await consentOf(conversation.id)).toEqual({ consent: 'none', state: 'awaiting_consent' })
      const request = (await h.thread(conversation.id)).find((m) => m.kind === 'template')!
      expect([request.status, request.errorCode]).toEqual(['failed', code])
      expect((await systemLines(conversation.id)).at(-1)).toMatch(/did not reach Ana Souza/)

      await control(`users/${encodeURIComponent(ANA)}/failure`, { error: null })
      await h.as('priya')('conversations:requestConsent', { id: conversation.id })
      await h.drain()
      expect(await consentOf(conversation.id)).toEqual({ consent: 'requested', state: 'awaiting_consent' })
      expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['template'])
    })
  }

  it('a delivered request still counts: asking again within 24 h is refused with the reason', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.drain()
    const again = h.as('priya')('conversations:requestConsent', { id: conversation.id })
    await expect(again).rejects.toBeInstanceOf(RequestFailed)
    await expect(again).rejects.toThrow(/less than 24 hours ago/)
  })

  it('131026 for the request: not on WhatsApp, as before', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat('+14155550177', 'Nobody', { requestConsent: true })
    await h.drain()
    expect(await consentOf(conversation.id)).toEqual({ consent: 'not_on_whatsapp', state: 'not_on_whatsapp' })
  })
})
