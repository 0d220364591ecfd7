import { afterEach, describe, expect, it } from 'vitest'
import { consentHistory } from '../../../electron/core/db/repositories/ledger'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

/** Ana, a saved contact nobody asked for consent, writes first. */
async function anaWritesFirst() {
  const contact = await h.as('priya')('contacts:create', { name: 'Ana Souza', phone: ANA })
  const { id: inbound } = h.sandbox.userWrites(ANA, { text: 'Hi, is my order ready?' })
  await h.settle()
  const [conversation] = await h.as('priya')('conversations:list', { channel: 'whatsapp' })
  return { contact, conversation, inbound }
}

describe('@operations guest-first conversations', () => {
  it('the reply goes out with no template, recorded as user_initiated with the message as evidence', async () => {
    h = await startEngineHarness()
    const { contact, conversation } = await anaWritesFirst()
    expect([conversation.consent, conversation.state]).toEqual(['none', 'active'])
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Yes, it is ready.' })
    await h.drain()
    const received = h.sandbox.deliveries(ANA)
    expect(received.map((d) => [d.type, d.text])).toEqual([['text', expect.stringMatching(/Yes, it is ready\.$/)]])
    const history = consentHistory(h.engine.db, contact.id)
    expect(history.map((e) => [e.event, e.state])).toEqual([['user_initiated', 'none']])
    const inboundMessage = (await h.thread(conversation.id)).find((m) => m.direction === 'in')!
    expect(history[0].evidence_message_id).toBe(inboundMessage.id)

    // Once the window they opened closes, a reply needs consent again: it waits and the opt-in goes.
    h.clock.advance(25 * 60 * 60 * 1000)
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Anything else?' })
    await h.drain()
    expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['text', 'template'])
  })

  it('a regulated office (consent.requireOptInForUserInitiated) still asks for the opt-in first', async () => {
    const org = { ...demoOrgPolicy(), consent: { requireOptInForUserInitiated: true } }
    h = await startEngineHarness({ org })
    const { conversation } = await anaWritesFirst()
    await h.as('priya')('messages:send', { conversationId: conversation.id, text: 'Yes, it is ready.' })
    await h.drain()
    expect(h.sandbox.deliveries(ANA).map((d) => d.type)).toEqual(['template'])
    const reply = (await h.thread(conversation.id)).find((m) => m.text === 'Yes, it is ready.')!
    expect([reply.status, reply.holdReason]).toEqual(['held', 'awaiting_consent'])
  })
})
