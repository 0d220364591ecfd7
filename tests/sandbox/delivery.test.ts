import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ANA, PHONE_ID, startHarness, textBody, type Harness } from './harness'
import { messagesOf, statusesOf } from './webhook-receiver'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

const send = (body: unknown) => h.graph('POST', `/${PHONE_ID}/messages`, body)

describe('webhook delivery', () => {
  it('retries a webhook the engine did not answer with 200, on the sandbox clock', async () => {
    h.hooks.answerNext(500, 503)
    h.sandbox.userWrites(ANA, { text: 'Please call me' })
    await h.sandbox.flushed()
    expect(h.hooks.received).toHaveLength(1)
    expect(h.sandbox.webhookStats().pending).toBe(1)
    h.clock.advance(1000)
    await h.hooks.waitFor(() => true, 2)
    await h.sandbox.flushed()
    h.clock.advance(2000)
    await h.sandbox.idle()
    const copies = h.hooks.received.filter((x) => messagesOf(x).some((m) => m.text?.body === 'Please call me'))
    expect(copies.map((c) => c.answeredWith)).toEqual([500, 503, 200])
    expect(new Set(copies.map((c) => c.raw)).size).toBe(1)
  })

  it('does not hold other webhooks back while one waits for its retry', async () => {
    h.hooks.answerNext(500)
    h.sandbox.userWrites(ANA, { text: 'first' })
    h.sandbox.userWrites(ANA, { text: 'second' })
    await h.sandbox.flushed()
    expect(h.hooks.received.filter((x) => x.answeredWith === 200).map((x) => messagesOf(x)[0].text.body)).toEqual(['second'])
    expect(h.sandbox.webhookStats().pending).toBe(1)
    h.clock.advance(1000)
    await h.sandbox.idle()
    expect(h.hooks.received.filter((x) => x.answeredWith === 200).map((x) => messagesOf(x)[0].text.body)).toEqual(['second', 'first'])
  })

  it('holds webhooks until a webhook URL is set', async () => {
    h.sandbox.setWebhookUrl('')
    h.sandbox.userWrites(ANA, { text: 'anyone?' })
    await h.sandbox.idle()
    expect(h.hooks.received).toHaveLength(0)
    h.sandbox.setWebhookUrl(h.hooks.url)
    await h.hooks.waitFor((x) => messagesOf(x).length > 0)
  })
})

describe('chaos', () => {
  it('duplicate: every webhook arrives twice', async () => {
    await h.control('POST', '/chaos', { duplicate: 1 })
    h.sandbox.userWrites(ANA, { text: 'twice' })
    const copies = await h.hooks.waitFor((x) => messagesOf(x).length > 0, 2)
    expect(copies[0].raw).toBe(copies[1].raw)
  })

  it('dropResponse: the message is delivered and reported although the HTTP response is lost', async () => {
    h.sandbox.userWrites(ANA, { text: 'hi' })
    await h.control('POST', '/chaos', { dropResponse: 1 })
    await expect(send(textBody(ANA, 'lost reply', { biz_opaque_callback_data: 'local-7' }))).rejects.toThrow()
    const [delivery] = h.sandbox.deliveries(ANA)
    expect(delivery).toMatchObject({ text: 'lost reply', bizOpaqueCallbackData: 'local-7' })
    const [hook] = await h.hooks.waitFor((x) => statusesOf(x).some((s) => s.status === 'delivered'))
    expect(statusesOf(hook)[0]).toMatchObject({ id: delivery.wamid, biz_opaque_callback_data: 'local-7' })
  })

  it('fail5xx: the send answers 500 with 131000 and nothing is delivered', async () => {
    h.sandbox.userWrites(ANA, { text: 'hi' })
    await h.control('POST', '/chaos', { fail5xx: 1 })
    const response = await send(textBody(ANA, 'never'))
    expect([response.status, response.body.error.code]).toEqual([500, 131000])
    expect(h.sandbox.deliveries()).toEqual([])
  })

  it('shuffle: pending webhooks can arrive out of order', async () => {
    let flip = 0
    await h.close()
    // A fixed random source: shuffle always, and always take the last pending delivery.
    h = await startHarness({ random: () => (flip++ % 2 === 0 ? 0 : 0.999) })
    h.sandbox.setChaos({ shuffle: 1 })
    h.sandbox.userWrites(ANA, { text: 'one' })
    h.sandbox.userWrites(ANA, { text: 'two' })
    await h.sandbox.idle()
    expect(h.hooks.received.map((x) => messagesOf(x)[0].text.body)).toEqual(['two', 'one'])
  })

  it('rejects rates outside 0..1', async () => {
    expect((await h.control('POST', '/chaos', { duplicate: 2 })).status).toBe(400)
  })
})
