import { detectImage, isMediaError } from './detect-image'
import { openImage, runDecode } from './decode-image'
import { MediaFailure } from './media-error'

export interface Thumbnail {
  bytes: Buffer
  mimeType: 'image/jpeg'
  width: number
  height: number
}

export interface ThumbnailOptions {
  /** Longest edge in pixels; smaller pictures are not enlarged. */
  maxEdge?: number
}

const THUMBNAIL_QUALITY = 80

/**
 * A small upright JPEG preview (transparency on white, no metadata) of any picture prepareImage
 * accepts, HEIC included. Rejects with MediaFailure carrying the same codes as prepareImage
 * (`empty`, `not_an_image`, `unsupported`, `corrupt`).
 */
export async function makeThumbnail(input: Uint8Array, options: ThumbnailOptions = {}): Promise<Thumbnail> {
  const maxEdge = options.maxEdge ?? 320
  const detected = await detectImage(input)
  if (isMediaError(detected)) throw new MediaFailure(detected.code, detected.text)
  const image = await openImage(Buffer.from(input.buffer, input.byteOffset, input.byteLength), detected)
  const { data, info } = await runDecode(() =>
    image
      .pipeline()
      .autoOrient()
      .resize(maxEdge, maxEdge, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: THUMBNAIL_QUALITY })
      .toBuffer({ resolveWithObject: true }),
  )
  return { bytes: data, mimeType: 'image/jpeg', width: info.width, height: info.height }
}
