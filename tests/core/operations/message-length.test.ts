import { afterEach, describe, expect, it } from 'vitest'
import { apiLength, lengthProblem, remainingLength, WHATSAPP_LIMITS } from '../../../electron/shared/message-length'
import { ACCESS_TOKEN, ANA, startEngineHarness, type EngineHarness } from '../../helpers/engine-harness'

let h: EngineHarness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

describe('@operations length rules, counted as the Cloud API counts them', () => {
  it('counts UTF-16 units: an emoji is two, a letter with an accent one', () => {
    expect(apiLength('😀')).toBe(2)
    expect(apiLength('é')).toBe(1)
    expect(remainingLength('😀'.repeat(2048), 'text')).toBe(0)
    expect(lengthProblem('😀'.repeat(2048), 'text')).toBeUndefined()
    expect(lengthProblem('😀'.repeat(2100), 'text')).toMatch(/4096 characters at most .* 104 over/)
    expect(lengthProblem('x'.repeat(1025), 'caption')).toMatch(/caption is too long/)
  })

  it('the engine refuses what the sandbox (like Meta) would refuse, and the sandbox agrees at the limit', async () => {
    h = await startEngineHarness()
    const { conversation } = await h.openChat(ANA, 'Ana Souza')
    const refused = await h.raw('priya', 'messages:send', { conversationId: conversation.id, text: '😀'.repeat(2100) })
    expect(refused.ok).toBe(false)
    expect((await h.thread(conversation.id)).filter((m) => m.kind === 'text')).toEqual([])

    const post = (text: string) =>
      fetch(`${h!.sandbox.url}/v24.0/${h!.sandbox.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', to: ANA, type: 'text', text: { body: text } }),
      })
    const over = await post('😀'.repeat(2049))
    expect(over.status).toBe(400)
    expect(((await over.json()) as { error: { code: number } }).error.code).toBe(100)
    // At the limit the sandbox does not complain about length (the closed window answers instead).
    const atLimit = await post('😀'.repeat(WHATSAPP_LIMITS.text / 2))
    expect(((await atLimit.json()) as { error?: { code: number } }).error?.code).not.toBe(100)
  })
})
