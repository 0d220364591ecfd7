import { createHash, randomBytes } from 'node:crypto'

export const MEDIA_URL_TTL_MS = 5 * 60 * 1000
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024

export interface MediaRecord {
  id: string
  bytes: Buffer
  mimeType: string
  /** Hex digest, as in the media URL response. */
  sha256Hex: string
  /** Base64 digest, as in inbound media webhooks. */
  sha256Base64: string
  createdAt: number
}

/** The image type told by the file's magic bytes, or null for anything but JPEG / PNG. */
export function sniffImage(bytes: Buffer): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= 8 && png.every((byte, i) => bytes[i] === byte)) return 'image/png'
  return null
}

/** Uploaded and user-sent media, plus the short-lived download URLs handed out for them. */
export class MediaStore {
  private readonly records = new Map<string, MediaRecord>()
  private readonly urls = new Map<string, { mediaId: string; expiresAt: number }>()
  // Ids look like Meta's numeric media ids; the random start keeps them unique across restarts.
  private next = 1_000_000_000_000_000n + BigInt(randomBytes(5).readUIntBE(0, 5)) * 1000n

  put(bytes: Buffer, mimeType: string, now: number): MediaRecord {
    const id = (this.next++).toString()
    const digest = createHash('sha256').update(bytes).digest()
    const record = { id, bytes, mimeType, sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64'), createdAt: now }
    this.records.set(id, record)
    return record
  }

  get(id: string): MediaRecord | undefined {
    return this.records.get(id)
  }

  delete(id: string): boolean {
    for (const [token, entry] of this.urls) if (entry.mediaId === id) this.urls.delete(token)
    return this.records.delete(id)
  }

  /** A fresh download token valid for five minutes of clock time. */
  issueUrlToken(id: string, now: number): string {
    for (const [token, entry] of this.urls) if (entry.expiresAt <= now) this.urls.delete(token)
    const token = randomBytes(18).toString('base64url')
    this.urls.set(token, { mediaId: id, expiresAt: now + MEDIA_URL_TTL_MS })
    return token
  }

  /** The media behind a download token, or undefined when unknown or expired. */
  resolveUrlToken(token: string, now: number): MediaRecord | undefined {
    const entry = this.urls.get(token)
    if (!entry || entry.expiresAt <= now) return undefined
    return this.records.get(entry.mediaId)
  }
}
