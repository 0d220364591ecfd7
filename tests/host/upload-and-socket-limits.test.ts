import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../electron/core/engine'
import { InFlightBudget } from '../../electron/core/http/in-flight'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import type { MediaUploadValue } from '../../electron/shared/api/contract'
import { startHost, type Host } from '../../electron/host/server'
import { WsClient } from '../helpers/ws-client'

const TOKEN = 'upload-route-token'
const cookie = { Cookie: `greenline_token=${TOKEN}` }
const MAX_UPLOAD = 256 * 1024
const MAX_FRAME = 64 * 1024
let dataDir: string
let engine: Engine
let host: Host
let png: Buffer

/** `contacts:list` waits until the test lets it go: requests stay in flight as long as it likes. */
let release: () => void = () => undefined
let gate = Promise.resolve()
const hold = () => (gate = new Promise((resolve) => (release = resolve)))

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-upload-'))
  engine = createEngine({ dataDir, org: demoOrgPolicy() })
  const slow: Engine = {
    ...engine,
    dispatch: async (request, channel, payload) => {
      if (channel === 'contacts:list') await gate
      return engine.dispatch(request, channel, payload)
    },
  }
  host = await startHost({
    engine: slow,
    token: TOKEN,
    rendererDir: join(dataDir, 'no-renderer'),
    limits: { maxUploadBytes: MAX_UPLOAD, maxFrameBytes: MAX_FRAME, perConnection: 2, global: new InFlightBudget(3) },
  })
  png = await sharp({ create: { width: 160, height: 90, channels: 3, background: '#2266aa' } })
    .png()
    .toBuffer()
})

afterAll(async () => {
  release()
  await host?.close()
  await engine?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const upload = (body: BodyInit, headers: Record<string, string> = cookie) =>
  fetch(`${host.url}/media`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', ...headers }, body })

const storedFiles = () => readdirSync(join(dataDir, 'media'), { recursive: true }).filter((f) => /[0-9a-f]{64}$/.test(String(f)))

describe('POST /media: pictures as bytes', () => {
  it('prepares raw bytes through the media pipeline and serves them back with Range and ETag', async () => {
    const response = await upload(new Uint8Array(png))
    expect(response.status).toBe(201)
    const picture = (await response.json()) as MediaUploadValue
    expect(picture).toMatchObject({ mimeType: expect.stringMatching(/^image\//), width: 160, height: 90 })

    const whole = await fetch(`${host.url}/media/${picture.mediaId}`, { headers: cookie })
    expect(whole.status).toBe(200)
    const bytes = Buffer.from(await whole.arrayBuffer())
    expect(bytes.equals((await engine.media.read(picture.mediaId))!)).toBe(true)
    const etag = whole.headers.get('etag')!
    expect(etag).toBeTruthy()
    expect(whole.headers.get('accept-ranges')).toBe('bytes')

    const part = await fetch(`${host.url}/media/${picture.mediaId}`, { headers: { ...cookie, Range: 'bytes=0-9' } })
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true)
    // fetch() adds `Cache-Control: no-cache` to a conditional request unless it has one (a reload).
    const again = await fetch(`${host.url}/media/${picture.mediaId}`, {
      headers: { ...cookie, 'If-None-Match': etag, 'Cache-Control': 'max-age=0' },
    })
    expect(again.status).toBe(304)
  })

  it('needs the token like /api, and refuses a foreign Origin', async () => {
    expect((await upload(new Uint8Array(png), {})).status).toBe(401)
    expect((await upload(new Uint8Array(png), { Cookie: 'greenline_token=wrong' })).status).toBe(401)
    expect((await upload(new Uint8Array(png), { ...cookie, Origin: 'http://evil.example' })).status).toBe(403)
    expect((await upload(new Uint8Array(png), { Authorization: `Bearer ${TOKEN}` })).status).toBe(201)
  })

  it('refuses a file over the limit while reading it, and keeps nothing of it', async () => {
    const before = storedFiles().length
    const big = new Uint8Array(MAX_UPLOAD + 1)
    big.set(png)
    const declared = await upload(big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ code: 'invalid', message: expect.stringContaining('larger than') })
    // Streamed without a length: cut off as soon as it passes the limit.
    const chunks = [png, new Uint8Array(MAX_UPLOAD)]
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const streamed = await fetch(`${host.url}/media`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', ...cookie },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect(storedFiles().length).toBe(before)
  })

  it('types the file from its bytes: a text file named .png is refused with the reason', async () => {
    const response = await upload(new TextEncoder().encode('this is not a picture at all'), { ...cookie, 'Content-Type': 'image/png' })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'invalid', message: expect.any(String) })
    expect((await upload(new Uint8Array(0))).status).toBe(400)
  })
})

describe('the API socket’s limits @security', () => {
  it('closes a connection that sends a frame over the limit with 1009, and keeps serving others', async () => {
    const client = await WsClient.connect(host.url, { token: TOKEN, user: 'priya' })
    client.send(JSON.stringify({ id: 1, channel: 'media:upload', payload: { dataBase64: 'A'.repeat(MAX_FRAME) } }))
    expect(await client.closed).toBe(1009)
    const other = await WsClient.connect(host.url, { token: TOKEN, user: 'priya' })
    expect(await other.request('org:users', {})).not.toHaveLength(0)
    other.close()
  })

  it('answers "busy" past the per-connection and global in-flight budgets, never stalling /healthz', async () => {
    const a = await WsClient.connect(host.url, { token: TOKEN, user: 'priya' })
    const b = await WsClient.connect(host.url, { token: TOKEN, user: 'priya' })
    void hold()
    const held = [a.raw('contacts:list', {}), a.raw('contacts:list', {})]
    // A third request on the same connection is refused at once, with the reason.
    expect(await a.raw('contacts:list', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('too many requests'), details: { busy: 'connection' } },
    })
    held.push(b.raw('contacts:list', {}))
    // The server's budget (3) is spent: another connection is refused too.
    expect(await b.raw('org:users', {})).toMatchObject({ ok: false, error: { code: 'unavailable', details: { busy: 'server' } } })
    // Health is answered before the API and the engine: never behind a full budget.
    expect((await fetch(`${host.url}/healthz`)).status).toBe(200)

    release()
    for (const reply of await Promise.all(held)) expect(reply).toMatchObject({ ok: true })
    // Budgets are given back once answered.
    expect(await a.raw('org:users', {})).toMatchObject({ ok: true })
    a.close()
    b.close()
  })
})
