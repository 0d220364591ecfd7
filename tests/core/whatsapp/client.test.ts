import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWhatsAppClient, type WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../../electron/core/whatsapp/config'
import { ManualClock } from '../../../electron/shared/clock'
import { fixture } from '../../helpers/fixtures'
import { json, silence, startFakeGraph } from './fake-graph'

const PHONE_NUMBER_ID = '106540352242922'
const TOKEN = 'test-access-token'
const MESSAGES = `POST /v24.0/${PHONE_NUMBER_ID}/messages`

let graph: Awaited<ReturnType<typeof startFakeGraph>>
let client: WhatsAppClient

function configFor(baseUrl: string, accessToken = TOKEN) {
  return resolveWhatsAppConfig({
    env: {
      GREENLINE_WA_BASE_URL: baseUrl,
      GREENLINE_WA_ACCESS_TOKEN: accessToken || undefined,
      GREENLINE_WA_APP_SECRET: 'secret',
      GREENLINE_WA_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    },
  })
}

beforeEach(async () => {
  graph = await startFakeGraph()
  client = createWhatsAppClient(configFor(graph.url), { timeoutMs: 2_000 })
})
afterEach(async () => {
  await graph.close()
})

const sent = () => json(200, fixture('api-send-message-response.json'))

describe('sending', () => {
  it('sends text exactly as Meta documents, with our id for status reconciliation', async () => {
    graph.on(MESSAGES, sent())
    const expected = fixture('request-send-text.json')
    const result = await client.sendText({ to: expected.to, text: expected.text.body, previewUrl: true, bizOpaque: 'msg_1' })

    expect(result).toEqual({
      ok: true,
      value: { providerId: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA', waId: '16505551234', input: '+16505551234' },
    })
    const [request] = graph.requests
    expect(request.method).toBe('POST')
    expect(request.path).toBe(`/v24.0/${PHONE_NUMBER_ID}/messages`)
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.json()).toEqual({ ...expected, biz_opaque_callback_data: 'msg_1' })
  })

  it('sends a reply that quotes the message it answers', async () => {
    graph.on(MESSAGES, sent())
    const expected = fixture('request-send-contextual-reply.json')
    await client.sendText({ to: expected.to, text: expected.text.body, contextProviderId: expected.context.message_id, bizOpaque: 'msg_2' })
    expect(graph.requests[0].json()).toEqual({ ...expected, biz_opaque_callback_data: 'msg_2' })
  })

  it('sends to a business-scoped user id when the phone number is not known', async () => {
    graph.on(MESSAGES, sent())
    await client.sendText({ recipient: 'US.13491208655302741918', text: 'Hello', bizOpaque: 'msg_3' })
    const body = graph.requests[0].json()
    expect(body.recipient).toBe('US.13491208655302741918')
    expect(body).not.toHaveProperty('to')
  })

  it('refuses text WhatsApp would reject before sending anything', async () => {
    graph.on(MESSAGES, sent())
    const cases = [
      { to: '+16505551234', text: 'x'.repeat(4097), bizOpaque: 'm' },
      { to: '+16505551234', text: '   ', bizOpaque: 'm' },
      { to: '16505551234', text: 'no plus', bizOpaque: 'm' },
      { text: 'nobody', bizOpaque: 'm' },
      { to: '+16505551234', recipient: 'US.1', text: 'both', bizOpaque: 'm' },
      { to: '+16505551234', text: 'no id', bizOpaque: '' },
    ]
    for (const input of cases) {
      const result = await client.sendText(input)
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.kind).toBe('invalid')
    }
    expect(graph.requests).toHaveLength(0)
    const tooLong = await client.sendText({ to: '+16505551234', text: 'x'.repeat(4097), bizOpaque: 'm' })
    expect(!tooLong.ok && tooLong.error.reason).toMatch(/4096/)
  })

  it('@operations counts as the API does: an emoji is two of the 4096, so 2,048 pass and 2,100 are refused before sending', async () => {
    graph.on(MESSAGES, sent())
    expect((await client.sendText({ to: '+16505551234', text: '😀'.repeat(2048), bizOpaque: 'm' })).ok).toBe(true)
    const tooLong = await client.sendText({ to: '+16505551234', text: '😀'.repeat(2100), bizOpaque: 'm' })
    expect(!tooLong.ok && tooLong.error.kind).toBe('invalid')
  })

  it('sends a template with positional parameters as Meta documents', async () => {
    graph.on(MESSAGES, sent())
    const expected = fixture('request-send-template-positional-params.json')
    await client.sendTemplate({
      to: expected.to,
      name: 'order_confirmation',
      language: 'en_US',
      bodyParams: ['Jessica', 'SKBUP2-4CPIG9'],
      buttonPayloads: [],
      bizOpaque: 'msg_4',
    })
    expect(graph.requests[0].json()).toEqual({ ...expected, biz_opaque_callback_data: 'msg_4' })
  })

  it('sends the opt-in template with consent payloads on its quick-reply buttons', async () => {
    graph.on(MESSAGES, sent())
    const result = await client.sendTemplate({
      to: '+16505551234',
      name: 'greenline_opt_in',
      language: 'en_US',
      bodyParams: ['Acme Plumbing'],
      buttonPayloads: ['CONSENT_YES', 'CONSENT_NO'],
      bizOpaque: 'msg_5',
    })
    expect(result.ok).toBe(true)
    expect(graph.requests[0].json()).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'template',
      biz_opaque_callback_data: 'msg_5',
      template: {
        name: 'greenline_opt_in',
        language: { code: 'en_US' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'Acme Plumbing' }] },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'CONSENT_YES' }] },
          { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'CONSENT_NO' }] },
        ],
      },
    })
  })

  it('refuses template fields with line breaks before sending', async () => {
    const result = await client.sendTemplate({
      to: '+16505551234',
      name: 'greenline_opt_in',
      language: 'en_US',
      bodyParams: ['Acme\nPlumbing'],
      buttonPayloads: [],
      bizOpaque: 'm',
    })
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(graph.requests).toHaveLength(0)
  })

  it('sends an uploaded image with its caption as Meta documents', async () => {
    graph.on(MESSAGES, sent())
    const expected = fixture('request-send-image-by-id.json')
    await client.sendImage({ to: expected.to, mediaId: expected.image.id, caption: expected.image.caption, bizOpaque: 'msg_6' })
    expect(graph.requests[0].json()).toEqual({ ...expected, biz_opaque_callback_data: 'msg_6' })
  })

  it('refuses a caption over 1024 characters before sending', async () => {
    const result = await client.sendImage({ to: '+16505551234', mediaId: '1', caption: 'c'.repeat(1025), bizOpaque: 'm' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(!result.ok && result.error.reason).toMatch(/1024/)
    expect(graph.requests).toHaveLength(0)
  })

  it('marks an inbound message as read', async () => {
    graph.on(MESSAGES, json(200, fixture('api-mark-read-response.json')))
    const expected = fixture('request-mark-read.json')
    expect(await client.markRead(expected.message_id)).toEqual({ ok: true, value: undefined })
    expect(graph.requests[0].json()).toEqual(expected)
  })
})

describe('uploading media', () => {
  it('uploads a file as multipart with file, type and messaging_product', async () => {
    graph.on(`POST /v24.0/${PHONE_NUMBER_ID}/media`, json(200, fixture('api-media-upload-response.json')))
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    const result = await client.uploadMedia({ bytes, mimeType: 'image/jpeg', filename: 'photo.jpg' })

    expect(result).toEqual({ ok: true, value: { mediaId: '1037543291543636' } })
    const [request] = graph.requests
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    const form = await new Request('http://x/', {
      method: 'POST',
      body: new Uint8Array(request.body),
      headers: { 'content-type': request.headers['content-type']! },
    }).formData()
    expect(form.get('messaging_product')).toBe('whatsapp')
    expect(form.get('type')).toBe('image/jpeg')
    const file = form.get('file') as File
    expect(file.name).toBe('photo.jpg')
    expect(file.type).toBe('image/jpeg')
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes)
  })

  it("refuses a picture over WhatsApp's 5 MB limit, or an empty file, before uploading", async () => {
    const big = await client.uploadMedia({ bytes: new Uint8Array(5 * 1024 * 1024 + 1), mimeType: 'image/png', filename: 'big.png' })
    expect(big).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(!big.ok && big.error.reason).toMatch(/5 MB/)
    expect(await client.uploadMedia({ bytes: new Uint8Array(), mimeType: 'image/png', filename: 'empty.png' })).toMatchObject({
      ok: false,
      error: { kind: 'invalid' },
    })
    expect(graph.requests).toHaveLength(0)
  })
})

describe('failures', () => {
  const send = () => client.sendText({ to: '+16505551234', text: 'Hello', bizOpaque: 'msg_x' })

  it('turns the published throughput error into a retry after a short delay', async () => {
    graph.on(MESSAGES, json(400, fixture('api-error-response-130429.json')))
    const result = await send()
    expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited', code: 130429, httpStatus: 400 } })
    expect(!result.ok && result.error.retryAfterMs).toBeGreaterThan(0)
  })

  it('turns the published invalid-parameter error into invalid', async () => {
    graph.on(MESSAGES, json(400, fixture('api-error-response-100.json')))
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'invalid', code: 100, details: 'Message must be a template message.' } })
  })

  it.each([
    [131047, 400, 'window_closed'],
    [131026, 400, 'not_on_whatsapp'],
    [131056, 400, 'rate_limited'],
    [190, 401, 'auth'],
    [132001, 404, 'template'],
    [131000, 500, 'transient'],
    [131050, 400, 'permanent'],
  ])('code %i (HTTP %i) comes back as %s', async (code, status, kind) => {
    graph.on(MESSAGES, json(status, { error: { message: `(#${code}) x`, type: 'OAuthException', code, fbtrace_id: 'A' } }))
    expect(await send()).toMatchObject({ ok: false, error: { kind, code } })
  })

  it('honours Retry-After from the server', async () => {
    graph.on(MESSAGES, json(429, fixture('api-error-response-130429.json'), { 'retry-after': '12' }))
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'rate_limited', retryAfterMs: 12_000 } })
  })

  it('honours an HTTP-date Retry-After using the injected clock', async () => {
    const clock = new ManualClock()
    graph.on(MESSAGES, json(503, {}, { 'retry-after': new Date(clock.now() + 45_000).toUTCString() }))
    const result = await createWhatsAppClient(configFor(graph.url), { clock }).sendText({
      to: '+16505551234',
      text: 'Hello',
      bizOpaque: 'm',
    })
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', retryAfterMs: 45_000 } })
  })

  it('treats a 5xx without a WhatsApp body as temporary', async () => {
    graph.on(MESSAGES, (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' })
      res.end('<html>Bad Gateway</html>')
    })
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'transient', httpStatus: 502 } })
  })

  it('gives up on a server that never answers and reports it as temporary', async () => {
    graph.on(MESSAGES, silence)
    const impatient = createWhatsAppClient(configFor(graph.url), { timeoutMs: 100 })
    const result = await impatient.sendText({ to: '+16505551234', text: 'Hello', bizOpaque: 'm' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } })
    expect(!result.ok && result.error.reason).toMatch(/in time/)
  })

  it('reports an unreachable WhatsApp as temporary', async () => {
    const url = graph.url
    await graph.close()
    const result = await createWhatsAppClient(configFor(url)).sendText({ to: '+16505551234', text: 'Hello', bizOpaque: 'm' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', details: 'ECONNREFUSED' } })
    graph = await startFakeGraph()
  })

  it('treats a success without a message id as temporary, not as sent', async () => {
    graph.on(MESSAGES, json(200, { messaging_product: 'whatsapp', messages: [] }))
    expect(await send()).toMatchObject({ ok: false, error: { kind: 'transient' } })
  })

  it('does not call WhatsApp at all before an access token is configured', async () => {
    const unconnected = createWhatsAppClient(withWhatsAppOverrides(configFor(graph.url, ''), { phoneNumberId: PHONE_NUMBER_ID }))
    expect(await unconnected.sendText({ to: '+16505551234', text: 'Hello', bizOpaque: 'm' })).toMatchObject({
      ok: false,
      error: { kind: 'auth' },
    })
    expect(graph.requests).toHaveLength(0)
  })

  it('uses a custom fetch when given one, and never throws when it does', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed')
    }
    const result = await createWhatsAppClient(configFor(graph.url), { fetch: failing }).markRead('wamid.1')
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } })
  })
})
