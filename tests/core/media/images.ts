import sharp from 'sharp'
import { expect } from 'vitest'
import { sha256Hex } from '../../../electron/core/media/sha256'

/** Pictures made on the fly so nothing binary is committed. */
export function solid(width: number, height: number, colour: string, channels: 3 | 4 = 3) {
  return sharp({ create: { width, height, channels, background: colour } })
}

/** Left half red, right half blue: after a rotation we can tell where each half went. */
export async function halves(width: number, height: number): Promise<Buffer> {
  const half = await solid(Math.floor(width / 2), height, '#0000ff')
    .png()
    .toBuffer()
  return solid(width, height, '#ff0000')
    .composite([{ input: half, left: Math.ceil(width / 2), top: 0 }])
    .png()
    .toBuffer()
}

export const GPS = { IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 3/1' } }

export async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true })
  const offset = (y * info.width + x) * info.channels
  return [...data.subarray(offset, offset + info.channels)]
}

export function isReddish([r, g, b]: number[]): boolean {
  return r > 200 && g < 60 && b < 60
}

export function isBluish([r, g, b]: number[]): boolean {
  return b > 200 && r < 60 && g < 60
}

/** What WhatsApp asks of an image: JPEG/PNG as declared, 8-bit RGB(A), ≤ 5 MB, and what we promise: no metadata. */
export async function expectSendable(value: { bytes: Buffer; mimeType: string; width: number; height: number; sha256: string }) {
  const metadata = await sharp(value.bytes).metadata()
  expect(`image/${metadata.format}`).toBe(value.mimeType)
  expect(metadata.depth).toBe('uchar')
  expect(metadata.space).toBe('srgb')
  expect([3, 4]).toContain(metadata.channels)
  expect([metadata.width, metadata.height]).toEqual([value.width, value.height])
  expect(metadata.exif).toBeUndefined()
  expect(metadata.xmp).toBeUndefined()
  expect(metadata.iptc).toBeUndefined()
  expect(metadata.orientation).toBeUndefined()
  expect(value.bytes.length).toBeLessThanOrEqual(5 * 1024 * 1024)
  expect(value.sha256).toBe(sha256Hex(value.bytes))
  await sharp(value.bytes, { failOn: 'truncated' }).raw().toBuffer() // decodes completely
  return metadata
}
