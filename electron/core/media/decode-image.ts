import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp'
import type { DetectedImage } from './detect-image'
import { decodeHeicInWorker } from './heic-pool'
import { MEDIA_TEXTS, MediaFailure } from './media-error'

/**
 * Pictures larger than this are refused from their header, before any pixel is decoded: a
 * 12000×9000 HEIC took 1.6 GB to decode. 50 MP is above every phone camera's default mode.
 */
export const MAX_PIXELS = 50_000_000

/**
 * Every sharp read goes through these options. `failOn: 'truncated'` makes an incomplete file an
 * error instead of a picture with a grey bottom half; lesser decoder warnings (common in camera
 * files that display fine everywhere) are tolerated. Only the first frame of animations is read.
 */
export const SHARP_INPUT: SharpOptions = { failOn: 'truncated', pages: 1, limitInputPixels: MAX_PIXELS }

export interface OpenedImage {
  /** A fresh sharp pipeline over the decoded picture; call once per output. */
  pipeline: () => Sharp
  /** Header facts about the file; null for HEIC decoded to raw pixels. */
  metadata: Metadata | null
}

/**
 * Opens a detected picture for processing. HEIC/HEIF with HEVC pixels (what iPhones write) is
 * decoded by heic-decode in a worker thread (heic-pool), because sharp's bundled libheif only carries the AV1 codec; AV1-coded HEIF
 * goes to sharp, which is also the fallback when heic-decode cannot read a file. Rejects with
 * MediaFailure('corrupt') when the header cannot be read or decoding fails.
 * A truncated body may only surface later, when a pipeline is run: see `runDecode`.
 */
export async function openImage(bytes: Buffer, detected: DetectedImage): Promise<OpenedImage> {
  if (detected.decoder === 'heif') {
    // Header only: libheif reads the image size without decoding pixels.
    const metadata = await sharp(bytes, { ...SHARP_INPUT, limitInputPixels: false })
      .metadata()
      .catch(() => null)
    if (metadata) refuseTooManyPixels(metadata)
    const viaSharp = { pipeline: () => sharp(bytes, SHARP_INPUT), metadata }
    if (metadata?.compression === 'av1') return viaSharp
    // libvips reports the brand's codec, not always the real one; if heic-decode cannot read the
    // pixels, sharp gets its chance (and a real failure surfaces as 'corrupt' when the pipeline runs).
    return openWithHeicDecode(bytes).catch(() => viaSharp)
  }
  const metadata = await runDecode(() => sharp(bytes, { ...SHARP_INPUT, limitInputPixels: false }).metadata())
  refuseTooManyPixels(metadata)
  return { pipeline: () => sharp(bytes, SHARP_INPUT), metadata }
}

function refuseTooManyPixels(metadata: Metadata): void {
  if ((metadata.width ?? 0) * (metadata.height ?? 0) > MAX_PIXELS) {
    throw new MediaFailure('too_large', MEDIA_TEXTS.too_many_pixels)
  }
}

async function openWithHeicDecode(bytes: Buffer): Promise<OpenedImage> {
  const decoded = await runDecode(() => decodeHeicInWorker(bytes))
  // Should the header have been unreadable above, the decoded size is checked before any copy.
  refuseTooManyPixels({ width: decoded.width, height: decoded.height } as Metadata)
  const pixels = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength)
  const raw = { width: decoded.width, height: decoded.height, channels: 4 as const }
  return { pipeline: () => sharp(pixels, { raw }), metadata: null }
}

/** Runs a decoding step; any failure means the file cannot be read as the picture it claims to be. */
export async function runDecode<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (cause) {
    if (cause instanceof MediaFailure) throw cause
    throw new MediaFailure('corrupt', MEDIA_TEXTS.corrupt, { cause })
  }
}

/** Decodes every pixel row cheaply (shrink-on-load) just to prove the file is complete; rejects like runDecode. */
export async function verifyDecodes(bytes: Buffer): Promise<void> {
  await runDecode(() => sharp(bytes, SHARP_INPUT).resize(256, 256, { fit: 'inside' }).raw().toBuffer())
}
