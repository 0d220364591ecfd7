import { createHash } from 'node:crypto'
import { z } from 'zod'
import { mapGraphError, networkError, type WhatsAppError } from './errors'
import { authorization, failure, graphRequest, invalid, type GraphTransport, type WhatsAppResult } from './graph-request'

export interface MediaInfo {
  url: string
  mimeType: string
  sha256?: string
  size?: number
  id: string
}

export interface DownloadMediaInput {
  mediaId: string
  /** Hash from the webhook (hex or base64); defaults to the hash the media URL lookup reports. */
  expectedSha256?: string
  /** Refuse anything larger, before or while downloading. */
  maxBytes?: number
}

export interface DownloadedMedia {
  bytes: Uint8Array
  mimeType: string
  /** Lowercase hex. */
  sha256: string
  size: number
}

const mediaUrlSchema = z
  .looseObject({
    url: z.string().min(1),
    mime_type: z.string().optional(),
    sha256: z.string().optional(),
    file_size: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
    id: z.string().optional(),
  })
  .transform((raw) => ({ url: raw.url, mimeType: raw.mime_type, sha256: raw.sha256, size: raw.file_size, id: raw.id }))

/** Media ids come from webhooks; only these characters may go into a URL path. */
export function isMediaId(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(value)
}

/**
 * `GET /<MEDIA_ID>`: a download URL valid for 5 minutes. Errors as in `graphRequest`; an id that
 * could not be a media id is `invalid` without a request.
 */
export async function getMediaUrl(transport: GraphTransport, mediaId: string): Promise<WhatsAppResult<MediaInfo>> {
  if (!isMediaId(mediaId)) return invalid('The WhatsApp file id is not valid.')
  const result = await graphRequest(transport, { method: 'GET', path: mediaId, expect: mediaUrlSchema })
  if (!result.ok) return result
  const { url, mimeType, sha256, size, id } = result.value
  return { ok: true, value: stripUndefined({ url, mimeType: mimeType ?? '', sha256, size, id: id ?? mediaId }) }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

/** Meta's sha256 is base64 in webhooks and may be hex elsewhere; undefined when it is neither. */
export function decodeSha256(value: string): Buffer | undefined {
  const trimmed = value.trim()
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64')
    if (bytes.length === 32) return bytes
  }
  return undefined
}

const tooLarge = (maxBytes: number) => invalid(`The file is larger than the ${formatBytes(maxBytes)} Greenline accepts.`)

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`
}

type Fetched =
  { ok: true; bytes: Uint8Array; contentType?: string } | { ok: false; status?: number; result: { ok: false; error: WhatsAppError } }

async function fetchBytes(transport: GraphTransport, url: string, maxBytes: number | undefined, timeoutMs: number): Promise<Fetched> {
  let response: Response
  try {
    response = await transport.fetch(url, {
      headers: { Authorization: authorization(transport.config) },
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (err) {
    return { ok: false, result: failure(networkError(err)) }
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '')
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { ok: false, status: response.status, result: failure(mapGraphError(body, response.status)) }
  }
  const declared = Number(response.headers.get('content-length'))
  if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    return { ok: false, result: tooLarge(maxBytes) }
  }
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader()
    while (reader) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (maxBytes !== undefined && total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        return { ok: false, result: tooLarge(maxBytes) }
      }
      chunks.push(value)
    }
  } catch (err) {
    return { ok: false, result: failure(networkError(err)) }
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes, contentType: response.headers.get('content-type') ?? undefined }
}

/**
 * Downloads a media file: looks up its URL, fetches it with the bearer token, and on a 404 (the
 * 5-minute URL expired) looks up a fresh URL once and tries again. Refuses with `invalid` when the
 * size or sha256 does not match what WhatsApp reported (or `expectedSha256`), when the expected
 * hash is not a well-formed sha256, or when the file exceeds `maxBytes`. Network problems are
 * `transient`; a file still missing after a fresh URL is `permanent`. Never throws.
 */
export async function downloadMedia(
  transport: GraphTransport,
  input: DownloadMediaInput,
  timeoutMs: number,
): Promise<WhatsAppResult<DownloadedMedia>> {
  let fetched: Fetched | undefined
  let info: MediaInfo | undefined
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const lookup = await getMediaUrl(transport, input.mediaId)
    if (!lookup.ok) return lookup
    info = lookup.value
    if (input.maxBytes !== undefined && info.size !== undefined && info.size > input.maxBytes) return tooLarge(input.maxBytes)
    fetched = await fetchBytes(transport, info.url, input.maxBytes, timeoutMs)
    if (fetched.ok || fetched.status !== 404) break
  }
  if (!fetched || !info) return invalid('The file could not be downloaded.')
  if (!fetched.ok) {
    if (fetched.status === 404) {
      return failure({
        kind: 'permanent',
        reason: 'WhatsApp no longer has this file (files are kept for a limited time).',
        httpStatus: 404,
      })
    }
    return fetched.result
  }

  const { bytes } = fetched
  if (info.size !== undefined && info.size !== bytes.byteLength) {
    return invalid('The file arrived incomplete or changed on the way, so Greenline refused it.')
  }
  const digest = createHash('sha256').update(bytes).digest()
  const expectedText = input.expectedSha256 ?? info.sha256
  if (expectedText !== undefined) {
    const expected = decodeSha256(expectedText)
    if (!expected) return invalid('WhatsApp reported a file fingerprint Greenline cannot check, so the file was refused.')
    if (!expected.equals(digest)) return invalid('The file does not match its fingerprint, so Greenline refused it.')
  }
  const mimeType = info.mimeType || fetched.contentType?.split(';')[0]?.trim() || 'application/octet-stream'
  return { ok: true, value: { bytes, mimeType, sha256: digest.toString('hex'), size: bytes.byteLength } }
}
