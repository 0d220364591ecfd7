import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { fileLooksLikePicture, looksLikePicture, SIGNATURE_BYTES } from '../../src/composables/pictureSignature'

const icon = readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'icon.png'))
const head = (bytes: Uint8Array) => bytes.subarray(0, SIGNATURE_BYTES)

describe('the picture tray’s first look at a file', () => {
  it('knows real JPEG, PNG, WebP, GIF and TIFF files by their opening bytes', async () => {
    const base = sharp(icon).resize(16, 16)
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const) {
      const bytes = await base.clone().toFormat(format).toBuffer()
      expect(looksLikePicture(head(bytes)), format).toBe(true)
    }
    expect(await fileLooksLikePicture(new Blob([icon]))).toBe(true)
  })

  it('knows HEIC and AVIF by their ftyp brand', () => {
    const ftyp = (brand: string) => new Uint8Array([0, 0, 0, 24, ...Buffer.from(`ftyp${brand}`), 0, 0, 0, 0])
    expect(looksLikePicture(ftyp('heic'))).toBe(true)
    expect(looksLikePicture(ftyp('mif1'))).toBe(true)
    expect(looksLikePicture(ftyp('avif'))).toBe(true)
    // An MP4 video is ISO base media too, but not a picture.
    expect(looksLikePicture(ftyp('isom'))).toBe(false)
  })

  it('refuses text, PDF, SVG, BMP and empty files', async () => {
    for (const text of ['these are my notes', '%PDF-1.7', '<svg xmlns="http://www.w3.org/2000/svg"/>', 'BM\u0000\u0000']) {
      expect(await fileLooksLikePicture(new Blob([text])), text).toBe(false)
    }
    expect(await fileLooksLikePicture(new Blob([]))).toBe(false)
  })
})
