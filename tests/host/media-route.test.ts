import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/core/engine'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import type { MediaUploadValue } from '../../electron/shared/api/contract'
import { startHost, type Host } from '../../electron/host/server'

const TOKEN = 'media-route-token'
let dataDir: string
let engine: Engine
let host: Host
let picture: MediaUploadValue
let pictureBytes: Buffer

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-media-route-'))
  engine = createEngine({ dataDir, org: demoOrgPolicy() })
  host = await startHost({ engine, token: TOKEN, rendererDir: join(dataDir, 'no-renderer') })
  const png = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#aa3322' } })
    .png()
    .toBuffer()
  const result = await engine.dispatch({ userId: 'priya' }, 'media:upload', { dataBase64: png.toString('base64') })
  if (!result.ok) throw new Error(result.error.message)
  picture = result.value as MediaUploadValue
  pictureBytes = (await engine.media.read(picture.mediaId))!
})

afterAll(async () => {
  await host?.close()
  await engine?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A raw GET: `fetch` would normalise `../` away before the request leaves. */
function get(
  path: string,
  headers: Record<string, string> = { Cookie: `greenline_token=${TOKEN}` },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
    })
    request.on('error', reject)
    request.end()
  })
}

describe('the browser host’s /media/:id route', () => {
  it('serves a stored picture with its type, nosniff and a sandboxing CSP', async () => {
    const response = await get(`/media/${picture.mediaId}`)
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('image/png')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(String(response.headers['content-security-policy'])).toContain('sandbox')
    expect(response.headers['content-disposition']).toBeUndefined()
    expect(response.body.equals(pictureBytes)).toBe(true)
  })

  it('offers the file as a download with ?download=1', async () => {
    const response = await get(`/media/${picture.mediaId}?download=1`)
    expect(response.status).toBe(200)
    expect(response.headers['content-disposition']).toBe(`attachment; filename="greenline-${picture.mediaId.slice(0, 12)}.png"`)
  })

  it('needs the token (cookie, bearer or query)', async () => {
    expect((await get(`/media/${picture.mediaId}`, {})).status).toBe(401)
    expect((await get(`/media/${picture.mediaId}`, { Cookie: 'greenline_token=wrong' })).status).toBe(401)
    expect((await get(`/media/${picture.mediaId}`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200)
    expect((await get(`/media/${picture.mediaId}?token=${TOKEN}`, {})).status).toBe(200)
  })

  it.each([
    ['encoded ../', '/media/..%2F..%2Fetc%2Fpasswd'],
    ['a folder-relative id', `/media/${picture?.mediaId?.slice(0, 2) ?? 'ab'}/..%2F${'a'.repeat(61)}`],
    ['uppercase hex', `/media/${'A'.repeat(64)}`],
    ['too short', `/media/${'a'.repeat(63)}`],
    ['too long', `/media/${'a'.repeat(65)}`],
    ['not hex', `/media/${'g'.repeat(64)}`],
    ['empty', '/media/'],
    ['a null byte', `/media/${'a'.repeat(32)}%00${'a'.repeat(31)}`],
  ])('refuses %s with 400', async (_name, path) => {
    const response = await get(path)
    expect(response.status).toBe(400)
    expect(response.body.toString()).not.toContain('root:')
  })

  it('refuses a literal ../ before the address is parsed (which would fold it away)', async () => {
    for (const path of [
      '/media/../../etc/passwd',
      '/media/%2e%2e/%2e%2e/etc/passwd',
      `/media/../media/${'a'.repeat(64)}/../../../etc/passwd`,
    ]) {
      const response = await get(path)
      expect(response.status).toBe(400)
      expect(response.body.toString()).not.toContain('root:')
    }
  })

  it('answers 404 for a well-formed id that is not stored', async () => {
    expect((await get(`/media/${'0'.repeat(64)}`)).status).toBe(404)
  })
})
