import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { getMedia } from '../../../electron/core/db/repositories/media'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { makeTestPhoto } from '../../bench/support/bench-images'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import type { MediaUploadValue } from '../../../electron/shared/api/contract'
import type { Result } from '../../../electron/shared/api/result'
import type { Message } from '../../../electron/shared/domain'

/** The engine alone on a temporary folder: no WhatsApp client, no network. */
let dataDir: string
let engine: SqliteEngine

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'greenline-pictures-'))
  engine = createEngine({ dataDir, org: demoOrgPolicy() })
})

afterEach(async () => {
  await engine.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const dispatch = <T>(channel: string, payload: unknown) => engine.dispatch({ userId: 'priya' }, channel, payload) as Promise<Result<T>>

async function upload(bytes: Buffer, filename?: string): Promise<Result<MediaUploadValue>> {
  return dispatch<MediaUploadValue>('media:upload', { dataBase64: bytes.toString('base64'), ...(filename ? { filename } : {}) })
}

function storedFiles(): string[] {
  const root = join(dataDir, 'media')
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
}

const mediaRows = () => (engine.db.prepare('SELECT count(*) AS n FROM media').get() as { n: number }).n

async function whatsAppConversation(): Promise<string> {
  const contact = await dispatch<{ id: string }>('contacts:create', { name: 'Ana Souza', phone: '+14155550101' })
  if (!contact.ok) throw new Error(contact.error.message)
  const conversation = await dispatch<{ id: string }>('conversations:start', {
    contactId: contact.value.id,
    channel: 'whatsapp',
    requestConsent: false,
  })
  if (!conversation.ok) throw new Error(conversation.error.message)
  return conversation.value.id
}

describe('media:upload', () => {
  it('converts a WebP to JPEG and keeps it with a thumbnail', async () => {
    const webp = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#1e90ff' } })
      .webp()
      .toBuffer()
    const result = await upload(webp, 'holiday.webp')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toMatchObject({ mimeType: 'image/jpeg', width: 640, height: 480, converted: true })
    expect(result.value.mediaId).toMatch(/^[0-9a-f]{64}$/)

    const stored = await engine.media.read(result.value.mediaId)
    expect((await sharp(stored!).metadata()).format).toBe('jpeg')
    const row = getMedia(engine.db, result.value.mediaId)!
    expect(row.mime_type).toBe('image/jpeg')
    expect(row.thumbnail_id).toMatch(/^[0-9a-f]{64}$/)
    const thumbnail = await engine.media.read(row.thumbnail_id!)
    const thumbnailMeta = await sharp(thumbnail!).metadata()
    expect(Math.max(thumbnailMeta.width, thumbnailMeta.height)).toBeLessThan(640)
  })

  it('brings a 12 MB photo under WhatsApp’s 5 MB', async () => {
    const photo = await makeTestPhoto({ megapixels: 12, quality: 100, grain: 60 })
    expect(photo.byteLength).toBeGreaterThan(10 * 1024 * 1024)
    const result = await upload(photo, 'IMG_0001.jpg')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.mimeType).toBe('image/jpeg')
    expect(result.value.size).toBeLessThanOrEqual(5 * 1024 * 1024)
    expect(result.value.converted).toBe(true)
    const stored = await engine.media.read(result.value.mediaId)
    expect(stored!.byteLength).toBe(result.value.size)
    await sharp(stored!, { failOn: 'truncated' }).raw().toBuffer()
  }, 60_000)

  it('refuses a text file renamed as a picture, in words, and stores nothing', async () => {
    const result = await upload(Buffer.from('Dear Ana,\nhere is the invoice you asked for.\n'), 'invoice.jpg')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid')
    expect(result.error.message).toBe("This file isn't a picture.")
    expect(mediaRows()).toBe(0)
    expect(storedFiles()).toEqual([])
  })

  it('refuses an SVG with a sentence the user understands, and stores nothing', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>')
    const result = await upload(svg, 'logo.png')
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining("SVG pictures can't be sent") } })
    expect(mediaRows()).toBe(0)
    expect(storedFiles()).toEqual([])
  })
})

describe('messages:send with a picture', () => {
  it('holds a picture for a contact without consent, keeping its thumbnail reference', async () => {
    const conversationId = await whatsAppConversation()
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#22aa55' } })
      .png()
      .toBuffer()
    const uploaded = await upload(png)
    if (!uploaded.ok) throw new Error(uploaded.error.message)

    const sent = await dispatch<Message>('messages:send', {
      conversationId,
      mediaId: uploaded.value.mediaId,
      caption: 'Your new crown',
      clientId: 'pic-1',
    })
    expect(sent.ok).toBe(true)
    if (!sent.ok) return
    expect(sent.value).toMatchObject({
      kind: 'image',
      status: 'held',
      holdReason: 'awaiting_consent',
      mediaId: uploaded.value.mediaId,
      media: { state: 'ready', mimeType: 'image/png', width: 400, height: 300, caption: 'Your new crown' },
    })
    const row = getMedia(engine.db, sent.value.mediaId!)!
    expect(row.thumbnail_id).toMatch(/^[0-9a-f]{64}$/)
    expect(engine.media.has(row.thumbnail_id!)).toBe(true)

    // The same clientId again is the same message, not a second picture.
    const again = await dispatch<Message>('messages:send', {
      conversationId,
      mediaId: uploaded.value.mediaId,
      caption: 'Your new crown',
      clientId: 'pic-1',
    })
    expect(again.ok && again.value.id).toBe(sent.value.id)
  })

  it('refuses a media id that was never uploaded', async () => {
    const conversationId = await whatsAppConversation()
    const result = await dispatch<Message>('messages:send', { conversationId, mediaId: 'f'.repeat(64), clientId: 'pic-2' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('no longer available') } })
    const malformed = await dispatch<Message>('messages:send', { conversationId, mediaId: '../../etc/passwd' })
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid' } })
  })
})
