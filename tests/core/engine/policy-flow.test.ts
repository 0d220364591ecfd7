import { afterEach, describe, expect, it } from 'vitest'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
})

const HOUR = 60 * 60 * 1000

function texts(h: EngineHarness, phone: string): string[] {
  return h.sandbox.deliveries(phone).filter((d) => d.type === 'text').map((d) => d.text!)
}

describe('consent and the 24-hour window, end to end against the sandbox', () => {
  it('queues messages typed before consent and delivers them in order within a second of Yes', async () => {
    h = await startEngineHarness()
    const priya = h.as('priya')
    const { conversation } = await h.openChat(ANA, 'Ana Souza')
    for (const text of ['first', 'second', 'third']) await priya('messages:send', { conversationId: conversation.id, text })
    await h.settle()

    const received = h.sandbox.deliveries(ANA)
    expect(received.map((d) => d.type)).toEqual(['template'])
    expect(received[0].buttons?.map((b) => b.payload)).toEqual(['CONSENT_YES', 'CONSENT_NO'])
    const held = (await h.thread(conversation.id)).filter((m) => m.kind === 'text')
    expect(held.map((m) => [m.text, m.status, m.holdReason])).toEqual([
      ['first', 'held', 'awaiting_consent'],
      ['second', 'held', 'awaiting_consent'],
      ['third', 'held', 'awaiting_consent'],
    ])

    const tap = h.clock.now()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    await h.settle()
    const delivered = h.sandbox.deliveries(ANA).filter((d) => d.type === 'text')
    expect(delivered.map((d) => d.text)).toEqual(['first', 'second', 'third'])
    for (const d of delivered) expect(d.at - tap).toBeLessThan(1000)
    expect((await priya('conversations:get', { id: conversation.id })).consent).toBe('granted')
  })
})
