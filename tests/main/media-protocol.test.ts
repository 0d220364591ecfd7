import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { SqliteEngine } from '../../electron/core/engine'

vi.mock('electron', async () => (await import('./fake-electron')).electronModule())

const { createEngine } = await import('../../electron/core/engine')
const { demoOrgPolicy } = await import('../../electron/launcher/demo-org')
const { upsertMedia } = await import('../../electron/core/db/repositories/media')
const { createMediaHandler, registerMediaScheme, MEDIA_SCHEME } = await import('../../electron/main/media-protocol')

let engine: SqliteEngine
let id: string
let signedIn = true
const bytes = Buffer.from('\x89PNG\r\n\x1a\nnot-really-a-png')

beforeAll(async () => {
  engine = createEngine({ dataDir: mkdtempSync(join(tmpdir(), 'greenline-media-')), org: demoOrgPolicy() })
  const stored = await engine.media.put(bytes, 'image/png')
  id = stored.id
  upsertMedia(engine.db, { id, mimeType: 'image/png', size: bytes.length, now: 1 })
})
afterAll(async () => {
  await engine.close()
})

const get = (url: string, init?: RequestInit) => createMediaHandler(engine, () => signedIn)(new Request(url, init))

describe('greenline-media://', () => {
  it('is registered as a privileged standard, secure scheme', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() }
    registerMediaScheme(protocol)
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: MEDIA_SCHEME, privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) },
    ])
  })

  it('serves stored media by its sha256 id with its type, nosniff and a sandboxing CSP', async () => {
    const response = await get(`greenline-media://media/${id}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-security-policy')).toContain('sandbox')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes)
  })

  it('refuses anything that is not a 64-hex id, unknown ids, other hosts, and requests before sign-in', async () => {
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', id.toUpperCase(), `${id}/x`, id.slice(1), '%2e%2e', `${id}%00`]) {
      expect((await get(`greenline-media://media/${bad}`)).status, bad).toBe(400)
    }
    expect((await get(`greenline-media://other/${id}`)).status).toBe(400)
    expect((await get(`greenline-media://media/${'a'.repeat(64)}`)).status).toBe(404)
    signedIn = false
    expect((await get(`greenline-media://media/${id}`)).status).toBe(403)
    signedIn = true
  })

  it('answers a Range with just those bytes, so a voicemail can be sought without loading it whole', async () => {
    const url = `greenline-media://media/${id}`
    const whole = await get(url)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(whole.headers.get('content-length')).toBe(String(bytes.length))

    const part = await get(url, { headers: { Range: 'bytes=8-11' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 8-11/${bytes.length}`)
    expect(part.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(8, 12))

    const tail = await get(url, { headers: { Range: 'bytes=-3' } })
    expect(Buffer.from(await tail.arrayBuffer()).toString()).toBe('png')

    const beyond = await get(url, { headers: { Range: `bytes=${bytes.length + 10}-` } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
  })

  it('answers a repeat request with its ETag by 304, and HEAD with the size but no body', async () => {
    const url = `greenline-media://media/${id}`
    const etag = (await get(url)).headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await get(url, { headers: { 'If-None-Match': etag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')

    const head = await get(url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(bytes.length))
    expect(await head.text()).toBe('')
  })
})
