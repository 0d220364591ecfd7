import sharp from 'sharp'
import { prepareImage, type PreparedImage } from '../../../electron/core/media/prepare-image'
import { makeThumbnail, type Thumbnail } from '../../../electron/core/media/thumbnail'
import { seededRandom as mulberry32 } from '../../../electron/shared/random'

export interface TestPhotoOptions {
  /** Default 12 (4000 × 3000, a phone camera). */
  megapixels?: number
  /** JPEG quality; default 92, about what phone cameras write. */
  quality?: number
  /** Pixel noise amplitude (0–127); default 10 ≈ sensor grain. Larger values make bigger files. */
  grain?: number
  /** Same seed, same bytes: benchmarks compare like with like. */
  seed?: number
}

/**
 * A photo-like 4:3 JPEG: smooth colour regions (upscaled random blocks) plus deterministic grain,
 * so it compresses roughly like a real camera picture, not like a flat colour or pure noise.
 * For tests and benchmarks only.
 */
export async function makeTestPhoto(options: TestPhotoOptions = {}): Promise<Buffer> {
  const { megapixels = 12, quality = 92, grain = 10, seed = 1 } = options
  const width = Math.round(Math.sqrt((megapixels * 1_000_000 * 4) / 3))
  const height = Math.round((width * 3) / 4)
  const random = mulberry32(seed)

  const blocksWide = 24
  const blocksHigh = 18
  const blocks = Buffer.alloc(blocksWide * blocksHigh * 3)
  for (let i = 0; i < blocks.length; i++) blocks[i] = Math.floor(random() * 256)
  const pixels = await sharp(blocks, { raw: { width: blocksWide, height: blocksHigh, channels: 3 } })
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .raw()
    .toBuffer()

  // A prime-length grain table reused along the image: as incompressible for JPEG as fresh noise, far faster.
  const table = new Int16Array(GRAIN_TABLE_LENGTH)
  for (let i = 0; i < table.length; i++) table[i] = Math.round((random() * 2 - 1) * grain)
  for (let i = 0, t = 0; i < pixels.length; i++, t = t + 1 === GRAIN_TABLE_LENGTH ? 0 : t + 1) {
    const value = pixels[i] + table[t]
    pixels[i] = value < 0 ? 0 : value > 255 ? 255 : value
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer()
}

/** Benchmark case: the full send path for one photo. Throws if preparation fails (a benchmark bug). */
export async function benchPreparePhoto(photo: Buffer): Promise<PreparedImage> {
  const result = await prepareImage(photo)
  if (!result.ok) throw new Error(`prepareImage failed: ${result.error.code}`)
  return result.value
}

/** Benchmark case: the 320 px preview shown in the thread. */
export function benchThumbnail(photo: Buffer): Promise<Thumbnail> {
  return makeThumbnail(photo, { maxEdge: 320 })
}

/** Baseline: what sharp alone costs to shrink and re-encode the same photo, for comparison. */
export function benchSharpBaseline(photo: Buffer): Promise<Buffer> {
  return sharp(photo).resize(2048, 2048, { fit: 'inside' }).jpeg({ quality: 85 }).toBuffer()
}

const GRAIN_TABLE_LENGTH = 1_000_003
