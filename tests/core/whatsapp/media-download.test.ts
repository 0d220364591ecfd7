import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createWhatsAppClient, type WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { resolveWhatsAppConfig } from '../../../electron/core/whatsapp/config'
import { parseWebhookPayload } from '../../../electron/core/whatsapp/webhook-parse'
import { fixture } from '../../helpers/fixtures'
import { bytes, json, startFakeGraph } from './fake-graph'

const TOKEN = 'media-token'
const PHOTO = new Uint8Array(Buffer.from('not really a jpeg, but bytes all the same'))
const PHOTO_HEX = createHash('sha256').update(PHOTO).digest('hex')
const PHOTO_BASE64 = createHash('sha256').update(PHOTO).digest('base64')

let graph: Awaited<ReturnType<typeof startFakeGraph>>
let client: WhatsAppClient

beforeEach(async () => {
  graph = await startFakeGraph()
  const config = resolveWhatsAppConfig({
    env: {
      GREENLINE_WA_BASE_URL: graph.url,
      GREENLINE_WA_ACCESS_TOKEN: TOKEN,
      GREENLINE_WA_APP_SECRET: 's',
      GREENLINE_WA_PHONE_NUMBER_ID: '1',
    },
  })
  client = createWhatsAppClient(config, { timeoutMs: 2_000 })
})
afterEach(async () => {
  await graph.close()
})

/** Meta's media-URL answer (fixture shape), pointing at a download path on the fake server. */
function mediaUrl(id: string, path: string, overrides: Record<string, unknown> = {}) {
  return json(200, {
    ...fixture<Record<string, unknown>>('api-media-url-response.json'),
    id,
    url: `${graph.url}${path}`,
    sha256: PHOTO_BASE64,
    file_size: PHOTO.byteLength,
    ...overrides,
  })
}

describe('media URLs', () => {
  it('reads the published media-URL answer, number or string file size', async () => {
    const published = fixture('api-media-url-response.json')
    graph.on(`GET /v24.0/${published.id}`, json(200, published), json(200, { ...published, file_size: '61901' }))
    for (let i = 0; i < 2; i += 1) {
      expect(await client.getMediaUrl(published.id)).toEqual({
        ok: true,
        value: { url: published.url, mimeType: 'image/jpeg', sha256: published.sha256, size: 61901, id: published.id },
      })
    }
    expect(graph.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`)
  })

  it('refuses an id that could change the request path', async () => {
    expect(await client.getMediaUrl('../me')).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(graph.requests).toHaveLength(0)
  })
})

describe('downloading media', () => {
  it('downloads an inbound photo with the bearer token and checks its base64 hash', async () => {
    graph.on('GET /v24.0/1003383421387256', mediaUrl('1003383421387256', '/files/photo'))
    graph.on('GET /files/photo', bytes(200, PHOTO, 'image/jpeg'))
    const result = await client.downloadMedia({ mediaId: '1003383421387256' })
    expect(result).toEqual({ ok: true, value: { bytes: PHOTO, mimeType: 'image/jpeg', sha256: PHOTO_HEX, size: PHOTO.byteLength } })
    expect(graph.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v24.0/1003383421387256', `Bearer ${TOKEN}`],
      ['/files/photo', `Bearer ${TOKEN}`],
    ])
  })

  it('accepts a hex hash as well', async () => {
    graph.on('GET /v24.0/42', mediaUrl('42', '/files/42', { sha256: PHOTO_HEX }))
    graph.on('GET /files/42', bytes(200, PHOTO, 'image/jpeg'))
    expect((await client.downloadMedia({ mediaId: '42' })).ok).toBe(true)
  })

  it('checks against the hash the webhook gave, taking id and hash straight from a parsed webhook', async () => {
    const webhook = fixture('inbound-image.json')
    webhook.entry[0].changes[0].value.messages[0].image.sha256 = PHOTO_BASE64
    const parsed = parseWebhookPayload(webhook)
    if (!parsed.ok) throw new Error(parsed.reason)
    const media = parsed.messages[0].media!
    graph.on(`GET /v24.0/${media.id}`, mediaUrl(media.id, '/files/inbound', { sha256: undefined }))
    graph.on('GET /files/inbound', bytes(200, PHOTO, 'image/jpeg'))
    const result = await client.downloadMedia({ mediaId: media.id, expectedSha256: media.sha256 })
    expect(result).toMatchObject({ ok: true, value: { sha256: PHOTO_HEX, mimeType: 'image/jpeg' } })
  })

  it('refuses a file whose content does not match its hash', async () => {
    graph.on('GET /v24.0/7', mediaUrl('7', '/files/7'))
    const tampered = new Uint8Array(PHOTO)
    tampered[0] ^= 1
    graph.on('GET /files/7', bytes(200, tampered, 'image/jpeg'))
    const result = await client.downloadMedia({ mediaId: '7' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(!result.ok && result.error.reason).toMatch(/fingerprint/)
  })

  it('refuses a file when the webhook hash disagrees, even if the URL lookup agrees', async () => {
    graph.on('GET /v24.0/8', mediaUrl('8', '/files/8'))
    graph.on('GET /files/8', bytes(200, PHOTO, 'image/jpeg'))
    const other = createHash('sha256').update('something else').digest('base64')
    expect(await client.downloadMedia({ mediaId: '8', expectedSha256: other })).toMatchObject({ ok: false, error: { kind: 'invalid' } })
  })

  it('refuses a file whose reported hash cannot be checked (like the placeholder in Meta samples)', async () => {
    graph.on('GET /v24.0/9', mediaUrl('9', '/files/9', { sha256: fixture('api-media-url-response.json').sha256 }))
    graph.on('GET /files/9', bytes(200, PHOTO, 'image/jpeg'))
    expect(await client.downloadMedia({ mediaId: '9' })).toMatchObject({ ok: false, error: { kind: 'invalid' } })
  })

  it('refuses a file of the wrong size', async () => {
    graph.on('GET /v24.0/10', mediaUrl('10', '/files/10', { file_size: PHOTO.byteLength + 1 }))
    graph.on('GET /files/10', bytes(200, PHOTO, 'image/jpeg'))
    expect(await client.downloadMedia({ mediaId: '10' })).toMatchObject({ ok: false, error: { kind: 'invalid' } })
  })

  it('gets a fresh URL once when the first has expired (404), then succeeds', async () => {
    graph.on('GET /v24.0/11', mediaUrl('11', '/files/expired'), mediaUrl('11', '/files/fresh'))
    graph.on('GET /files/expired', json(404, { error: { message: 'Not found', code: 100 } }))
    graph.on('GET /files/fresh', bytes(200, PHOTO, 'image/jpeg'))
    const result = await client.downloadMedia({ mediaId: '11' })
    expect(result).toMatchObject({ ok: true, value: { size: PHOTO.byteLength } })
    expect(graph.requests.map((r) => r.path)).toEqual(['/v24.0/11', '/files/expired', '/v24.0/11', '/files/fresh'])
  })

  it('stops after one fresh URL and says the file is gone', async () => {
    graph.on('GET /v24.0/12', mediaUrl('12', '/files/gone'))
    graph.on('GET /files/gone', json(404, {}))
    const result = await client.downloadMedia({ mediaId: '12' })
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', httpStatus: 404 } })
    expect(graph.requests).toHaveLength(4)
  })

  it('refuses a file over the size limit without downloading it', async () => {
    graph.on('GET /v24.0/13', mediaUrl('13', '/files/13'))
    graph.on('GET /files/13', bytes(200, PHOTO, 'image/jpeg'))
    expect(await client.downloadMedia({ mediaId: '13', maxBytes: 10 })).toMatchObject({ ok: false, error: { kind: 'invalid' } })
    expect(graph.requests.map((r) => r.path)).toEqual(['/v24.0/13'])
  })

  it('stops reading a download that grows past the size limit', async () => {
    graph.on('GET /v24.0/14', mediaUrl('14', '/files/14', { file_size: undefined }))
    graph.on('GET /files/14', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      res.write(Buffer.alloc(64 * 1024))
      res.end(Buffer.alloc(64 * 1024))
    })
    expect(await client.downloadMedia({ mediaId: '14', maxBytes: 100_000 })).toMatchObject({ ok: false, error: { kind: 'invalid' } })
  })

  it('maps an error from the URL lookup (e.g. an expired token)', async () => {
    graph.on('GET /v24.0/15', json(401, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } }))
    expect(await client.downloadMedia({ mediaId: '15' })).toMatchObject({ ok: false, error: { kind: 'auth', code: 190 } })
  })
})
