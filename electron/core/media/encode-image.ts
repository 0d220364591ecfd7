import sharp from 'sharp'
import { runDecode, type OpenedImage } from './decode-image'
import { MEDIA_MESSAGES, MediaFailure } from './media-error'

export interface EncodedImage {
  bytes: Buffer
  mimeType: 'image/jpeg' | 'image/png'
  width: number
  height: number
}

/**
 * Re-encoded pictures never exceed this long edge: WhatsApp's own "HD" sending stops at 4096 px,
 * and it keeps the decoded buffer we work on bounded (≤ 64 MB RGBA).
 */
export const MAX_EDGE = 4096

/**
 * Tried in order until one fits. Quality goes down first (invisible at 92→78 for photos), then size;
 * each smaller size starts again at a good quality because pixels cost more than quality does.
 */
const JPEG_LADDER: ReadonlyArray<{ edge?: number; quality: number }> = [
  { quality: 92 },
  { quality: 85 },
  { quality: 78 },
  { edge: 3072, quality: 85 },
  { edge: 3072, quality: 78 },
  { edge: 2048, quality: 85 },
  { edge: 2048, quality: 78 },
  { edge: 1600, quality: 80 },
  { edge: 1280, quality: 80 },
  { edge: 1024, quality: 75 },
  { edge: 800, quality: 75 },
]

export interface EncodeOptions {
  maxBytes: number
  /** Try lossless PNG first even without transparency (the source was PNG: screenshots, drawings). */
  preferPng: boolean
  /** 4:4:4 keeps text and line art crisp (screenshots); 4:2:0 is right for photos. */
  chromaSubsampling: '4:4:4' | '4:2:0'
}

/**
 * Decodes once (rotation applied, sRGB, 8 bits per channel, no metadata) and encodes a picture that
 * fits `maxBytes`: PNG when the picture really uses transparency (or `preferPng`) and the PNG fits, otherwise JPEG on
 * white, stepping down quality and then size. Rejects with MediaFailure('too_large') when even the
 * smallest step does not fit, or MediaFailure('corrupt') when the picture cannot be decoded.
 */
export async function encodeUnderLimit(image: OpenedImage, options: EncodeOptions): Promise<EncodedImage> {
  const { data, info } = await runDecode(() =>
    image
      .pipeline()
      .autoOrient()
      .resize(MAX_EDGE, MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }),
  )
  const raw = { width: info.width, height: info.height, channels: info.channels }

  if (options.preferPng || (info.channels === 4 && !isOpaque(data))) {
    const png = await sharp(data, { raw }).png().toBuffer({ resolveWithObject: true })
    if (png.data.length <= options.maxBytes) {
      return { bytes: png.data, mimeType: 'image/png', width: png.info.width, height: png.info.height }
    }
  }

  const longEdge = Math.max(info.width, info.height)
  for (const step of JPEG_LADDER) {
    if (step.edge !== undefined && step.edge >= longEdge) continue
    let pipeline = sharp(data, { raw }).flatten({ background: '#ffffff' })
    if (step.edge !== undefined) pipeline = pipeline.resize(step.edge, step.edge, { fit: 'inside' })
    const jpeg = await pipeline
      .jpeg({ quality: step.quality, chromaSubsampling: options.chromaSubsampling })
      .toBuffer({ resolveWithObject: true })
    if (jpeg.data.length <= options.maxBytes) {
      return { bytes: jpeg.data, mimeType: 'image/jpeg', width: jpeg.info.width, height: jpeg.info.height }
    }
  }
  throw new MediaFailure('too_large', MEDIA_MESSAGES.too_large)
}

function isOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false
  return true
}
