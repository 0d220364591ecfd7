import { afterEach, describe, expect, it } from 'vitest'
import { ANA, RequestFailed, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

/** Ana agreed and asked something: her window is open and her question is in the thread. */
async function anaAsks(question: string) {
  h = await startEngineHarness()
  const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
  await h.settle()
  h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
  const asked = h.sandbox.userWrites(ANA, { text: question })
  await h.settle()
  const inbound = (await h.thread(conversation.id)).find((m) => m.text === question)!
  return { conversationId: conversation.id, inbound, wamid: asked.id }
}

const phoneOf = () => h.sandbox.deliveries(ANA)

describe('@operations reactions and quoted replies, both ways, over real HTTP against the sandbox', () => {
  it('Priya quotes Ana: the phone shows the reply in context and the thread shows the quote', async () => {
    const { conversationId, inbound, wamid } = await anaAsks('Is my order ready?')
    const reply = await h.as('priya')('messages:send', { conversationId, text: 'Yes, since this morning.', replyTo: inbound.id })
    await h.drain()
    const received = phoneOf().at(-1)!
    expect([received.type, received.text, received.contextId]).toEqual(['text', 'Yes, since this morning.', wamid])
    const shown = (await h.thread(conversationId)).find((m) => m.id === reply.id)!
    expect(shown.replyTo).toMatchObject({ messageId: inbound.id, text: 'Is my order ready?' })
  })

  it('Ana quotes Priya: the thread shows her reply with Priya’s words quoted', async () => {
    const { conversationId } = await anaAsks('Hello')
    await h.as('priya')('messages:send', { conversationId, text: 'Pick-up is at 5 pm.' })
    await h.drain()
    const sent = phoneOf().find((d) => d.text === 'Pick-up is at 5 pm.')!
    h.sandbox.userWrites(ANA, { text: 'Perfect, see you then', replyTo: sent.id })
    await h.settle()
    const reply = (await h.thread(conversationId)).find((m) => m.text === 'Perfect, see you then')!
    expect(reply.replyTo?.text).toBe('Pick-up is at 5 pm.')
  })

  it('Priya reacts, changes and removes her reaction: the phone and the thread follow', async () => {
    const { conversationId, inbound, wamid } = await anaAsks('Thanks for the help!')
    const reacted = await h.as('priya')('messages:react', { id: inbound.id, emoji: '👍' })
    expect(reacted.reactions).toEqual([{ emoji: '👍', by: 'priya', at: expect.any(Number) }])
    expect(phoneOf().at(-1)).toMatchObject({ type: 'reaction', reaction: { messageId: wamid, emoji: '👍' } })

    h.clock.advance(1000)
    await h.as('priya')('messages:react', { id: inbound.id, emoji: '❤️' })
    expect((await h.thread(conversationId)).find((m) => m.id === inbound.id)!.reactions).toEqual([
      { emoji: '❤️', by: 'priya', at: expect.any(Number) },
    ])
    h.clock.advance(1000)
    const removed = await h.as('priya')('messages:react', { id: inbound.id, emoji: '' })
    expect(removed.reactions).toBeUndefined()
    expect(phoneOf().at(-1)).toMatchObject({ type: 'reaction', reaction: { messageId: wamid, emoji: '' } })
  })

  it('Ana reacts to Priya’s message and takes it back: the thread shows it, then not', async () => {
    const { conversationId } = await anaAsks('Hi')
    const mine = await h.as('priya')('messages:send', { conversationId, text: 'Your parcel left today.' })
    await h.drain()
    const sent = phoneOf().find((d) => d.text === 'Your parcel left today.')!
    h.sandbox.userWrites(ANA, { reaction: { messageId: sent.id, emoji: '🎉' } })
    await h.settle()
    expect((await h.thread(conversationId)).find((m) => m.id === mine.id)!.reactions).toEqual([
      { emoji: '🎉', by: 'contact', at: expect.any(Number) },
    ])
    h.clock.advance(1000)
    h.sandbox.userWrites(ANA, { reaction: { messageId: sent.id, emoji: '' } })
    await h.settle()
    expect((await h.thread(conversationId)).find((m) => m.id === mine.id)!.reactions).toBeUndefined()
  })

  it('a reaction outside the window is refused with why and not shown; a quote of an unsent message is refused', async () => {
    const { conversationId, inbound } = await anaAsks('Bye')
    h.clock.advance(25 * 60 * 60 * 1000)
    const refused = h.as('priya')('messages:react', { id: inbound.id, emoji: '👍' })
    await expect(refused).rejects.toBeInstanceOf(RequestFailed)
    await expect(refused).rejects.toThrow(/Not sent: the 24-hour window with Ana Souza is closed until they write again/)
    expect((await h.thread(conversationId)).find((m) => m.id === inbound.id)!.reactions).toBeUndefined()
    expect(phoneOf().filter((d) => d.type === 'reaction')).toEqual([])

    const held = await h.as('priya')('messages:send', { conversationId, text: 'Still there?' })
    const quote = h.as('priya')('messages:send', { conversationId, text: 'About that', replyTo: held.id })
    await expect(quote).rejects.toThrow(/has not reached WhatsApp yet/)
  })
})
