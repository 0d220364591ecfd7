import type { Metadata } from 'sharp'
import { createLogger } from '../platform/logger'
import { detectImage, isMediaError, type DetectedImage } from './detect-image'
import { openImage, verifyDecodes, type OpenedImage } from './decode-image'
import { encodeUnderLimit, type EncodedImage } from './encode-image'
import { stripJpegMetadata } from './jpeg-metadata'
import { MEDIA_TEXTS, MediaFailure, mediaError, type MediaResult } from './media-error'
import { sha256Hex } from './sha256'

/** WhatsApp Cloud API limit for image messages. */
export const WHATSAPP_IMAGE_MAX_BYTES = 5 * 1024 * 1024

export interface PreparedImage {
  bytes: Buffer
  mimeType: 'image/jpeg' | 'image/png'
  width: number
  height: number
  /** Hex SHA-256 of `bytes`: the media store id. */
  sha256: string
  /** True when `bytes` differ from the input: metadata removed, rotated, converted or shrunk. */
  converted: boolean
  /** What the input really was, read from its bytes (e.g. "image/heic"). */
  sourceMimeType: string
}

export interface PrepareImageOptions {
  /** Largest acceptable output; defaults to WhatsApp's 5 MB. */
  maxBytes?: number
}

const log = createLogger('media/prepare-image')

/**
 * Turns any picture a user picks into one WhatsApp accepts: 8-bit RGB(A) JPEG or PNG, upright, no
 * metadata (no GPS, no camera details), at most `maxBytes`. The type is read from the bytes, never a
 * file name. Clean JPEG/PNG files that fit are sent byte for byte; JPEGs whose only problem is
 * metadata lose it losslessly; everything else is re-encoded (see encode-image).
 *
 * Never throws: failures come back as `{ ok: false, error }` with a closed `code` and a message for
 * the user — `empty`, `not_an_image` (text renamed .jpg…), `unsupported` (SVG, BMP, RAW…), `corrupt`
 * (truncated or undecodable), `too_large` (cannot be brought under `maxBytes`).
 */
export async function prepareImage(input: Uint8Array, options: PrepareImageOptions = {}): Promise<MediaResult<PreparedImage>> {
  const maxBytes = options.maxBytes ?? WHATSAPP_IMAGE_MAX_BYTES
  const detected = await detectImage(input)
  if (isMediaError(detected)) return { ok: false, error: detected }
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)

  try {
    const image = await openImage(bytes, detected)
    const output =
      (await keepAsSent(bytes, detected, image.metadata, maxBytes)) ??
      (await encodeUnderLimit(image, {
        maxBytes,
        preferPng: detected.mimeType === 'image/png' || detected.mimeType === 'image/apng',
        chromaSubsampling: chromaFor(detected, image),
      }))
    return {
      ok: true,
      value: {
        ...output,
        sha256: sha256Hex(output.bytes),
        converted: !output.bytes.equals(bytes),
        sourceMimeType: detected.mimeType,
      },
    }
  } catch (error) {
    if (error instanceof MediaFailure) return { ok: false, error: error.toMediaError() }
    log.error('unexpected failure while preparing a picture', { error: String(error) })
    return { ok: false, error: mediaError('corrupt', MEDIA_TEXTS.corrupt) }
  }
}

/**
 * The no-re-encode path: a JPEG or PNG that is already upright 8-bit sRGB and fits. JPEG metadata
 * is cut out losslessly; a PNG must already carry none (re-encoding PNG is lossless anyway).
 * Returns null when the picture has to be re-encoded.
 */
async function keepAsSent(
  bytes: Buffer,
  detected: DetectedImage,
  metadata: Metadata | null,
  maxBytes: number,
): Promise<EncodedImage | null> {
  if (!metadata || !isPlainUprightRgb(metadata)) return null

  if (detected.mimeType === 'image/jpeg') {
    const stripped = stripJpegMetadata(bytes)
    if (!stripped || stripped.bytes.length > maxBytes) return null
    await verifyDecodes(stripped.bytes)
    return { bytes: stripped.bytes, mimeType: 'image/jpeg', width: metadata.width, height: metadata.height }
  }

  if (detected.mimeType === 'image/png') {
    const hasMetadata = Boolean(metadata.exif || metadata.xmp || metadata.iptc || metadata.comments?.length)
    if (hasMetadata || metadata.isPalette) return null
    // Bytes after IEND are not part of the picture (a hidden payload, a second file): never forwarded.
    const png = pngThroughIend(bytes)
    if (!png || png.length > maxBytes) return null
    await verifyDecodes(png)
    return { bytes: png, mimeType: 'image/png', width: metadata.width, height: metadata.height }
  }
  return null
}

/** The PNG up to the end of its IEND chunk; null when its chunk structure does not add up (re-encode it). */
export function pngThroughIend(bytes: Buffer): Buffer | null {
  let offset = 8
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset)
    const end = offset + 12 + length
    if (end > bytes.length) return null
    if (bytes.toString('latin1', offset + 4, offset + 8) === 'IEND') return end === bytes.length ? bytes : bytes.subarray(0, end)
    offset = end
  }
  return null
}

function isPlainUprightRgb(metadata: Metadata): boolean {
  return (
    metadata.depth === 'uchar' &&
    metadata.space === 'srgb' &&
    (metadata.channels === 3 || metadata.channels === 4) &&
    (metadata.orientation ?? 1) === 1 &&
    (metadata.pages ?? 1) === 1
  )
}

function chromaFor(detected: DetectedImage, image: OpenedImage): '4:4:4' | '4:2:0' {
  if (detected.lossless) return '4:4:4'
  return image.metadata?.chromaSubsampling === '4:4:4' ? '4:4:4' : '4:2:0'
}
