import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeTestPhoto } from '../../bench/support/bench-images'
import { prepareImage, type PreparedImage } from '../../../electron/core/media/prepare-image'
import { GPS, expectSendable, halves, isBluish, isReddish, pixelAt, solid } from './images'

const FIVE_MB = 5 * 1024 * 1024

async function prepared(input: Uint8Array, maxBytes?: number): Promise<PreparedImage> {
  const result = await prepareImage(input, { maxBytes })
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

async function refusal(input: Uint8Array, maxBytes?: number) {
  const result = await prepareImage(input, { maxBytes })
  if (result.ok) throw new Error(`expected a refusal, got ${result.value.mimeType}`)
  return result.error
}

describe('prepareImage: pictures that go out as they are', () => {
  it('sends a clean JPEG byte for byte', async () => {
    const jpeg = await solid(64, 48, '#336699').jpeg().toBuffer()
    const out = await prepared(jpeg)
    expect(out.bytes.equals(jpeg)).toBe(true)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 64, height: 48, converted: false })
    await expectSendable(out)
  })

  it('sends a PNG under the limit as the same PNG', async () => {
    const png = await solid(120, 80, '#20a060').png().toBuffer()
    const out = await prepared(png)
    expect(out.bytes.equals(png)).toBe(true)
    expect(out).toMatchObject({ mimeType: 'image/png', width: 120, height: 80, converted: false, sourceMimeType: 'image/png' })
    await expectSendable(out)
  })
})

describe('prepareImage: privacy and orientation', () => {
  it('turns an EXIF orientation 6 photo upright and drops its GPS position', async () => {
    const stored = await sharp(await halves(400, 200))
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .withExifMerge(GPS)
      .toBuffer()
    expect((await sharp(stored).metadata()).exif).toBeDefined()

    const out = await prepared(stored)
    expect([out.width, out.height]).toEqual([200, 400])
    await expectSendable(out)
    // Orientation 6 means "rotate 90° clockwise to view": the stored left (red) half ends up on top.
    expect(isReddish(await pixelAt(out.bytes, 100, 50))).toBe(true)
    expect(isBluish(await pixelAt(out.bytes, 100, 350))).toBe(true)
    expect(out.bytes.includes(Buffer.from('Exif'))).toBe(false)
  })

  it('removes GPS from an upright JPEG without touching a single pixel', async () => {
    const clean = await solid(300, 200, '#808080')
      .composite([{ input: await halves(100, 100), left: 50, top: 50 }])
      .jpeg({ quality: 90 })
      .toBuffer()
    const withGps = await sharp(clean)
      .withExif({ IFD0: { Make: 'PhoneCo', Model: 'X1' }, ...GPS })
      .jpeg({ quality: 90 })
      .toBuffer()
    const original = await sharp(withGps).raw().toBuffer()

    const out = await prepared(withGps)
    await expectSendable(out)
    expect(out.converted).toBe(true)
    expect(out.bytes.length).toBeLessThan(withGps.length)
    expect((await sharp(out.bytes).raw().toBuffer()).equals(original)).toBe(true)
    expect(out.bytes.includes(Buffer.from('PhoneCo'))).toBe(false)
  })

  it('strips a progressive JPEG losslessly too', async () => {
    const progressive = await sharp(await halves(320, 240))
      .jpeg({ progressive: true })
      .withExif({ IFD0: { Make: 'PhoneCo' }, ...GPS })
      .toBuffer()
    expect((await sharp(progressive).metadata()).isProgressive).toBe(true)
    const out = await prepared(progressive)
    await expectSendable(out)
    expect((await sharp(out.bytes).raw().toBuffer()).equals(await sharp(progressive).raw().toBuffer())).toBe(true)
  })

  it('drops a second picture (with its own GPS) that a phone appended after the end of the JPEG', async () => {
    const main = await solid(64, 64, '#aa3300').jpeg().toBuffer()
    const hidden = await solid(16, 16, '#000000')
      .jpeg()
      .withExif({ IFD0: { Make: 'HiddenCam' }, ...GPS })
      .toBuffer()
    const out = await prepared(Buffer.concat([main, hidden]))
    expect(out.bytes.equals(main)).toBe(true)
    expect(out.converted).toBe(true)
  })

  it('re-encodes a PNG that carries EXIF as a PNG without it', async () => {
    const png = await solid(50, 40, '#ffcc00')
      .withExif({ IFD0: { Copyright: 'Someone' }, ...GPS })
      .png()
      .toBuffer()
    const out = await prepared(png)
    expect(out).toMatchObject({ mimeType: 'image/png', width: 50, height: 40, converted: true })
    await expectSendable(out)
  })
})

describe('prepareImage: conversions', () => {
  it('converts a WebP photo to a JPEG that decodes', async () => {
    const webp = await sharp(await halves(300, 200))
      .webp({ quality: 90 })
      .toBuffer()
    const out = await prepared(webp)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 300, height: 200, converted: true, sourceMimeType: 'image/webp' })
    await expectSendable(out)
    expect(isReddish(await pixelAt(out.bytes, 10, 100))).toBe(true)
  })

  it('keeps a transparent WebP as a PNG with its transparency', async () => {
    const webp = await solid(80, 80, '#00000000', 4)
      .composite([{ input: await solid(40, 40, '#ff0000').png().toBuffer(), left: 20, top: 20 }])
      .webp({ lossless: true })
      .toBuffer()
    const out = await prepared(webp)
    expect(out.mimeType).toBe('image/png')
    expect((await pixelAt(out.bytes, 2, 2))[3]).toBe(0)
    await expectSendable(out)
  })

  it('sends the first frame of an animated GIF as a JPEG', async () => {
    const frames = [await solid(60, 40, '#ff0000').png().toBuffer(), await solid(60, 40, '#0000ff').png().toBuffer()]
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer()
    expect((await sharp(gif).metadata()).pages).toBe(2)

    const out = await prepared(gif)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 60, height: 40, sourceMimeType: 'image/gif' })
    expect(isReddish(await pixelAt(out.bytes, 30, 20))).toBe(true)
    await expectSendable(out)
  })

  it('converts TIFF, AVIF, CMYK JPEG, 16-bit PNG and greyscale PNG to 8-bit RGB', async () => {
    const inputs = [
      await solid(40, 30, '#3366cc').tiff().toBuffer(),
      await solid(40, 30, '#3366cc').avif().toBuffer(),
      await solid(40, 30, '#3366cc').toColourspace('cmyk').jpeg().toBuffer(),
      await solid(40, 30, '#3366cc').toColourspace('rgb16').png().toBuffer(),
      await solid(40, 30, '#3366cc').toColourspace('b-w').png().toBuffer(),
    ]
    for (const input of inputs) {
      const out = await prepared(input)
      const metadata = await expectSendable(out)
      expect(metadata.channels).toBe(3)
      expect([out.width, out.height]).toEqual([40, 30])
    }
  })

  it('opens a HEIF whose pixels are AV1-coded (sharp reads those directly)', async () => {
    const avif = await solid(48, 32, '#e01010').avif().toBuffer()
    const heif = Buffer.from(avif)
    heif.write('mif1', 8, 'latin1') // same file, generic HEIF brand: detected as image/heif
    const out = await prepared(heif)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 48, height: 32, sourceMimeType: 'image/heif' })
    expect(isReddish(await pixelAt(out.bytes, 24, 16))).toBe(true)
  })

  // heif-enc (Debian's libheif-examples, installed by .ci/run and npm test) makes a real HEIC.
  it('converts an iPhone-style HEIC (HEVC) to JPEG', async () => {
    expect(spawnSync('heif-enc', ['--help']).error, 'heif-enc is missing: apt-get install libheif-examples').toBeUndefined()
    const dir = mkdtempSync(join(tmpdir(), 'greenline-heic-'))
    try {
      writeFileSync(join(dir, 'in.png'), await halves(320, 240))
      const encoded = spawnSync('heif-enc', ['-q', '90', '-o', join(dir, 'out.heic'), join(dir, 'in.png')])
      expect(encoded.status).toBe(0)
      const heic = readFileSync(join(dir, 'out.heic'))

      const out = await prepared(heic)
      expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 320, height: 240, converted: true })
      expect(['image/heic', 'image/heif']).toContain(out.sourceMimeType)
      expect(isReddish(await pixelAt(out.bytes, 20, 120))).toBe(true)
      expect(isBluish(await pixelAt(out.bytes, 300, 120))).toBe(true)
      await expectSendable(out)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('prepareImage: size limit', () => {
  let bigPhoto: Buffer
  beforeAll(async () => {
    bigPhoto = await makeTestPhoto({ megapixels: 12, quality: 100, grain: 40 })
  })

  it('brings a ~13 MB 12-megapixel photo under 5 MB, still a full-size JPEG', async () => {
    expect(bigPhoto.length).toBeGreaterThan(12_000_000)
    const started = performance.now()
    const out = await prepared(bigPhoto)
    const elapsed = performance.now() - started
    expect(out.bytes.length).toBeLessThanOrEqual(FIVE_MB)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 4000, height: 3000, converted: true })
    await expectSendable(out)
    expect(elapsed).toBeLessThan(10_000)
  })

  it('shrinks the picture when quality alone is not enough', async () => {
    const out = await prepared(bigPhoto, 1_000_000)
    expect(out.bytes.length).toBeLessThanOrEqual(1_000_000)
    expect(Math.max(out.width, out.height)).toBeLessThan(4000)
    expect(out.width / out.height).toBeCloseTo(4 / 3, 2)
  })

  it('turns a transparent PNG that is too large into a JPEG on white', async () => {
    const noisy = await sharp({
      create: { width: 1500, height: 1500, channels: 4, background: '#ff000080', noise: { type: 'gaussian', mean: 128, sigma: 60 } },
    })
      .png()
      .toBuffer()
    expect(noisy.length).toBeGreaterThan(FIVE_MB)
    const out = await prepared(noisy)
    expect(out).toMatchObject({ mimeType: 'image/jpeg', width: 1500, height: 1500 })
    await expectSendable(out)
  })

  it('refuses with too_large when nothing fits', async () => {
    const error = await refusal(await makeTestPhoto({ megapixels: 1 }), 2_000)
    expect(error.code).toBe('too_large')
  })
})

describe('prepareImage: refusals', () => {
  it('refuses an empty file', async () => {
    expect((await refusal(new Uint8Array())).code).toBe('empty')
  })

  it('refuses a text file renamed to .jpg', async () => {
    const error = await refusal(Buffer.from('Meeting notes: bring the quarterly figures.\n'))
    expect(error.code).toBe('not_an_image')
    expect(error.message).toMatch(/isn't a picture/)
  })

  it('refuses SVG, saying WhatsApp does not take it', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    )
    const error = await refusal(svg)
    expect(error.code).toBe('unsupported')
    expect(error.message).toContain("SVG pictures can't be sent on WhatsApp")
  })

  it('refuses a truncated JPEG as corrupt, even one missing only its last bytes', async () => {
    const jpeg = await makeTestPhoto({ megapixels: 0.3 })
    expect((await refusal(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).code).toBe('corrupt')
    expect((await refusal(jpeg.subarray(0, jpeg.length - 2))).code).toBe('corrupt')
  })

  it('refuses a truncated PNG and a truncated WebP as corrupt', async () => {
    const png = await sharp({
      create: { width: 200, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .png()
      .toBuffer()
    expect((await refusal(png.subarray(0, Math.floor(png.length * 0.6)))).code).toBe('corrupt')
    const webp = await sharp(png).webp().toBuffer()
    expect((await refusal(webp.subarray(0, Math.floor(webp.length * 0.6)))).code).toBe('corrupt')
  })

  it('refuses a BMP as a format WhatsApp cannot take, naming it', async () => {
    const error = await refusal(tinyBmp())
    expect(error.code).toBe('unsupported')
    expect(error.message).toContain('BMP')
  })
})

/** 2×2 24-bit BMP written by hand: sharp cannot write BMP. */
function tinyBmp(): Buffer {
  const rowBytes = 8 // 2 px × 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x7f)
  const header = Buffer.alloc(54)
  header.write('BM', 0, 'latin1')
  header.writeUInt32LE(54 + pixels.length, 2)
  header.writeUInt32LE(54, 10)
  header.writeUInt32LE(40, 14)
  header.writeInt32LE(2, 18)
  header.writeInt32LE(2, 22)
  header.writeUInt16LE(1, 26)
  header.writeUInt16LE(24, 28)
  header.writeUInt32LE(pixels.length, 34)
  return Buffer.concat([header, pixels])
}

describe('@security prepareImage: pixel limit', () => {
  it('refuses a picture over 50 megapixels from its header, with a plain reason', async () => {
    // 7,200 × 7,200 = 51.8 MP of one colour: small as a file, huge once decoded.
    const huge = await sharp({ create: { width: 7200, height: 7200, channels: 3, background: '#336699' } })
      .png({ compressionLevel: 9 })
      .toBuffer()
    const result = await prepareImage(huge, { maxBytes: 5 * 1024 * 1024 })
    expect(result).toEqual({
      ok: false,
      error: { code: 'too_large', message: expect.stringContaining('50 megapixels'), text: { code: 'media.tooManyPixels' } },
    })
  })

  it('still takes a picture just under the limit', async () => {
    const large = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer()
    const result = await prepareImage(large, { maxBytes: 5 * 1024 * 1024 })
    expect(result.ok).toBe(true)
  })
})

describe('@security prepareImage: PNG trailing bytes', () => {
  it('drops whatever follows IEND and keeps the picture itself', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer()
    const smuggled = Buffer.concat([png, Buffer.from('PK\u0003\u0004 hidden archive payload')])
    const result = await prepareImage(smuggled, { maxBytes: 5 * 1024 * 1024 })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.bytes.includes(Buffer.from('hidden archive'))).toBe(false)
    expect(result.value.mimeType).toBe('image/png')
    expect(result.value.bytes.subarray(-8, -4).toString('latin1')).toBe('IEND')
  })
})
