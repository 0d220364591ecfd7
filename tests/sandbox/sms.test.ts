import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DAN, TOKEN, phonePath, startHarness, type Harness } from './harness'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.close()
})

const bearer = { authorization: `Bearer ${TOKEN}` }

describe('SMS and voicemail', () => {
  it('sends an SMS that shows in the delivery log and the chat', async () => {
    const unauthorized = await fetch(`${h.sandbox.url}/sms/v1/messages`, { method: 'POST', body: '{}' })
    expect(unauthorized.status).toBe(401)
    const response = await fetch(`${h.sandbox.url}/sms/v1/messages`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ to: DAN, text: 'Your appointment is at 3 pm', clientRef: 'c-1' }),
    })
    expect(response.status).toBe(200)
    const { id } = await response.json()
    expect(h.sandbox.deliveries(DAN)).toEqual([
      expect.objectContaining({ id, channel: 'sms', phone: DAN, text: 'Your appointment is at 3 pm', clientRef: 'c-1' }),
    ])
    const chat = (await h.control('GET', `${phonePath(DAN)}/chat`)).body
    expect(chat.messages[0]).toMatchObject({ channel: 'sms', direction: 'out' })
  })

  it('posts an inbound SMS to the SMS webhook, signed', async () => {
    const sent = await h.control('POST', `${phonePath(DAN)}/sms`, { text: 'Can I move it to 4?' })
    expect(sent.status).toBe(201)
    const [hook] = await h.sms.waitFor(() => true)
    expect(hook.signatureValid).toBe(true)
    expect(hook.body).toEqual({ type: 'sms', id: sent.body.id, from: DAN, text: 'Can I move it to 4?', timestamp: h.clock.now() })
    expect(h.hooks.received).toHaveLength(0)
  })

  it('posts a voicemail whose audio is a real WAV clip downloadable with the token', async () => {
    await h.control('POST', `${phonePath(DAN)}/voicemail`, { durationMs: 2000, transcript: 'Call me back' })
    const [hook] = await h.sms.waitFor(() => true)
    expect(hook.body).toMatchObject({
      type: 'voicemail',
      from: DAN,
      durationMs: 2000,
      transcript: 'Call me back',
      timestamp: h.clock.now(),
    })
    expect((await fetch(hook.body.audioUrl)).status).toBe(401)
    const audio = await fetch(hook.body.audioUrl, { headers: bearer })
    expect(audio.headers.get('content-type')).toBe('audio/wav')
    const wav = Buffer.from(await audio.arrayBuffer())
    expect(wav.subarray(0, 4).toString()).toBe('RIFF')
    expect(wav.subarray(8, 12).toString()).toBe('WAVE')
    const sampleRate = wav.readUInt32LE(24)
    const dataBytes = wav.readUInt32LE(40)
    expect((dataBytes / 2 / sampleRate) * 1000).toBe(2000)
    expect(wav.readInt16LE(44 + 2 * 801)).not.toBe(0)
  })
})
