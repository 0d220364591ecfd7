import sharp from 'sharp'
import { runDecode, type OpenedImage } from './decode-image'
import { MEDIA_TEXTS, MediaFailure } from './media-error'

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
  const onePass = await encodeInOnePass(image, options)
  if (onePass) return onePass
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
  throw new MediaFailure('too_large', MEDIA_TEXTS.too_large)
}

/**
 * The JPEG size at quality 85 of the output. A JPEG input already tells: camera files are written
 * at quality 90–97, about 1.8× their size at 85 (scaled by the pixels kept); reading it costs
 * nothing, where even a shrink-on-load sample costs a full entropy decode (~100 ms for 12 MP).
 * Other inputs are sampled.
 */
async function predictSizeAt85(
  image: OpenedImage,
  metadata: NonNullable<OpenedImage['metadata']>,
  outPixels: number,
  options: EncodeOptions,
): Promise<number> {
  if (metadata.format === 'jpeg' && metadata.size) {
    return (metadata.size / (metadata.width * metadata.height)) * outPixels * CAMERA_JPEG_TO_Q85
  }
  const sample = await runDecode(() =>
    image
      .pipeline()
      .resize(SAMPLE_EDGE, SAMPLE_EDGE, { fit: 'inside' })
      .jpeg({ quality: 85, chromaSubsampling: options.chromaSubsampling })
      .toBuffer({ resolveWithObject: true }),
  )
  return (sample.data.length / (sample.info.width * sample.info.height)) * outPixels * SAMPLE_DETAIL
}

const CAMERA_JPEG_TO_Q85 = 0.55

/** JPEG size at each quality relative to quality 85, measured on camera photos (libjpeg-turbo). */
const SIZE_VS_Q85: ReadonlyArray<{ quality: number; size: number }> = [
  { quality: 92, size: 1.5 },
  { quality: 85, size: 1 },
  { quality: 78, size: 0.78 },
  { quality: 70, size: 0.64 },
]
/** Long edge of the sample the size is predicted from (JPEG shrink-on-load makes it cheap). */
const SAMPLE_EDGE = 512
/** A downscaled sample has more detail per pixel than the full picture; keep a margin below the limit too. */
const SAMPLE_DETAIL = 0.8
const HEADROOM = 0.9

/**
 * The common case in one pass (issue 21): an opaque photo with a readable header is oriented,
 * resized and encoded by one sharp pipeline at a quality predicted from a small sample, instead
 * of a full raw decode followed by a ladder of re-encodes. Returns null when the prediction says
 * nothing fits, the picture may be transparent, or the result came out too big (the ladder then
 * decides).
 */
async function encodeInOnePass(image: OpenedImage, options: EncodeOptions): Promise<EncodedImage | null> {
  const metadata = image.metadata
  if (!metadata || options.preferPng || metadata.hasAlpha || !metadata.width || !metadata.height) return null
  const swap = (metadata.orientation ?? 1) >= 5
  const inWidth = swap ? metadata.height : metadata.width
  const inHeight = swap ? metadata.width : metadata.height
  const scale = Math.min(1, MAX_EDGE / Math.max(inWidth, inHeight))
  const outPixels = Math.round(inWidth * scale) * Math.round(inHeight * scale)
  const predictedAt85 = await predictSizeAt85(image, metadata, outPixels, options)
  let step = SIZE_VS_Q85.find((s) => predictedAt85 * s.size <= options.maxBytes * HEADROOM)
  // Grain and noise average out in the sample: when the first try is too big, its real size
  // corrects the prediction once before the ladder takes over.
  for (let attempt = 0; step && attempt < 2; attempt++) {
    const quality = step.quality
    const jpeg = await runDecode(() =>
      image
        .pipeline()
        .autoOrient()
        .resize(MAX_EDGE, MAX_EDGE, { fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb')
        .flatten({ background: '#ffffff' })
        .jpeg({ quality, chromaSubsampling: options.chromaSubsampling })
        .toBuffer({ resolveWithObject: true }),
    )
    if (jpeg.data.length <= options.maxBytes) {
      return { bytes: jpeg.data, mimeType: 'image/jpeg', width: jpeg.info.width, height: jpeg.info.height }
    }
    const measuredAt85 = jpeg.data.length / step.size
    step = SIZE_VS_Q85.find((s) => s.quality < quality && measuredAt85 * s.size <= options.maxBytes * HEADROOM)
  }
  return null
}

function isOpaque(rgba: Buffer): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false
  return true
}
