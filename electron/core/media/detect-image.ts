import { fileTypeFromBuffer } from 'file-type'
import { MEDIA_TEXTS, type MediaError, mediaError, unsupportedText } from './media-error'

/** How Greenline will decode a picture: `sharp` directly, or `heif` (HEIC/HEIF, see decode-image). */
export type ImageDecoder = 'sharp' | 'heif'

export interface DetectedImage {
  /** The MIME type read from the bytes themselves. */
  mimeType: string
  decoder: ImageDecoder
  /** Lossless sources (PNG, GIF, TIFF…) are often screenshots or drawings, which want sharp colour edges as JPEG. */
  lossless: boolean
  /** The format can hold several frames; only the first is sent. */
  mayBeAnimated: boolean
}

const DECODABLE: Record<string, Omit<DetectedImage, 'mimeType'>> = {
  'image/jpeg': { decoder: 'sharp', lossless: false, mayBeAnimated: false },
  'image/png': { decoder: 'sharp', lossless: true, mayBeAnimated: false },
  'image/apng': { decoder: 'sharp', lossless: true, mayBeAnimated: true },
  'image/webp': { decoder: 'sharp', lossless: false, mayBeAnimated: true },
  'image/gif': { decoder: 'sharp', lossless: true, mayBeAnimated: true },
  'image/tiff': { decoder: 'sharp', lossless: true, mayBeAnimated: false },
  'image/avif': { decoder: 'sharp', lossless: false, mayBeAnimated: true },
  'image/heic': { decoder: 'heif', lossless: false, mayBeAnimated: false },
  'image/heif': { decoder: 'heif', lossless: false, mayBeAnimated: false },
  'image/heic-sequence': { decoder: 'heif', lossless: false, mayBeAnimated: true },
  'image/heif-sequence': { decoder: 'heif', lossless: false, mayBeAnimated: true },
}

const KNOWN_UNSUPPORTED: Record<string, string> = {
  'image/bmp': 'BMP',
  'image/x-icon': 'Icon (ICO)',
  'image/icns': 'Icon (ICNS)',
  'image/vnd.adobe.photoshop': 'Photoshop (PSD)',
  'image/jxl': 'JPEG XL',
  'image/jp2': 'JPEG 2000',
  'image/jpx': 'JPEG 2000',
  'image/j2c': 'JPEG 2000',
  'image/x-canon-cr2': 'Camera RAW',
  'image/x-canon-cr3': 'Camera RAW',
  'image/x-adobe-dng': 'Camera RAW',
  'image/x-nikon-nef': 'Camera RAW',
  'image/x-sony-arw': 'Camera RAW',
  'image/x-olympus-orf': 'Camera RAW',
  'image/x-panasonic-rw2': 'Camera RAW',
  'image/x-fujifilm-raf': 'Camera RAW',
}

/**
 * Works out what a file is from its bytes alone (never its name or a declared type).
 * Returns a MediaError for empty files, non-pictures, SVG (refused outright: it is a document that
 * can carry scripts, and WhatsApp does not take it) and picture formats Greenline cannot decode.
 */
export async function detectImage(bytes: Uint8Array): Promise<DetectedImage | MediaError> {
  if (bytes.length === 0) return mediaError('empty', MEDIA_TEXTS.empty)
  if (looksLikeSvg(bytes)) return mediaError('unsupported', MEDIA_TEXTS.svg)

  const type = await fileTypeFromBuffer(bytes)
  if (!type || !type.mime.startsWith('image/')) {
    return mediaError('not_an_image', MEDIA_TEXTS.not_an_image)
  }
  const decodable = DECODABLE[type.mime]
  if (!decodable) return mediaError('unsupported', unsupportedText(KNOWN_UNSUPPORTED[type.mime]))
  return { mimeType: type.mime, ...decodable }
}

export function isMediaError(value: unknown): value is MediaError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value
}

const SVG_SNIFF_BYTES = 4096

/** SVG is text, so file-type cannot see it; an XML-ish head that opens an `<svg` element is enough. */
function looksLikeSvg(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, SVG_SNIFF_BYTES))
    .replace(/^\uFEFF/, '')
    .trimStart()
  if (!head.startsWith('<')) return false
  return /<svg[\s>:]/i.test(head)
}
