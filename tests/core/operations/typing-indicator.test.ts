import { afterEach, describe, expect, it } from 'vitest'
import { TYPING_EVERY_MS } from '../../../electron/core/services/typing-service'
import { ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness
afterEach(async () => {
  await h?.close()
  h = undefined as unknown as EngineHarness
})

async function reads(): Promise<Array<{ messageId: string; typingIndicator: boolean }>> {
  return (await (await fetch(`${h.sandbox.url}/sandbox/reads`)).json()) as Array<{ messageId: string; typingIndicator: boolean }>
}

describe('@operations the typing indicator, over real HTTP against the sandbox', () => {
  it('shows "typing…" on the phone while the office user types, at most every 20 s, and never outside the window', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza', { requestConsent: true })
    await h.settle()
    h.sandbox.userWrites(ANA, { buttonPayload: 'CONSENT_YES' })
    const asked = h.sandbox.userWrites(ANA, { text: 'Are you open on Sunday?' })
    await h.settle()
    const typing = () => h.as('priya')('conversations:typing', { id: conversation.id })

    expect(await typing()).toEqual({ sent: true })
    expect(await typing()).toEqual({ sent: false })
    const before = (await reads()).filter((r) => r.typingIndicator)
    expect(before).toEqual([{ messageId: asked.id, typingIndicator: true, at: expect.any(Number) }])

    h.clock.advance(TYPING_EVERY_MS)
    expect(await typing()).toEqual({ sent: true })
    h.clock.advance(25 * 60 * 60 * 1000)
    expect(await typing()).toEqual({ sent: false })
    expect((await reads()).filter((r) => r.typingIndicator)).toHaveLength(2)
  })

  it('is refused to someone outside the conversation', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza')
    const result = await h.raw('alex', 'conversations:typing', { id: conversation.id })
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})
