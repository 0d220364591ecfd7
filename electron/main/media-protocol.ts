import { basename, dirname } from 'node:path'
import { Readable } from 'node:stream'
import send from '@fastify/send'
import type { Protocol } from 'electron'
import type { SqliteEngine } from '../core/engine'
import { getMedia } from '../core/db/repositories/media'
import { isValidMediaId } from '../core/media/media-store'
import type { TeamClient } from '../team-client/team-client'

/** `greenline-media://media/<sha256>`: pictures and audio straight from the engine's media store. */
export const MEDIA_SCHEME = 'greenline-media'

/** Must run before the app is ready. */
export function registerMediaScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ])
}

/**
 * Answers `greenline-media://media/<id>` from the media store. Only 64 lowercase hex ids are looked
 * up (400 otherwise); unknown ids are 404; nothing is served before a user is signed in. The file
 * is streamed, never read whole, with Range (seeking in a voicemail), ETag and conditional GET by
 * the same rules as the hosts' `GET /media/:id` (@fastify/send, which @fastify/static uses there).
 */
export function createMediaHandler(
  engine: Pick<SqliteEngine, 'media' | 'db'>,
  signedIn: () => boolean,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed')
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return text(400, 'Bad address')
    }
    const id = url.pathname.replace(/^\//, '')
    if (url.protocol !== `${MEDIA_SCHEME}:` || url.hostname !== 'media' || !isValidMediaId(id)) return text(400, 'Not a media id')
    if (!signedIn()) return text(403, 'Sign in first')
    const file = engine.media.open(id)
    const row = getMedia(engine.db, id)
    if (!file || !row) return text(404, 'No such media')
    const headers = Object.fromEntries(request.headers)
    const sent = await send({ method: request.method, headers } as unknown as Readable, basename(file.path), {
      root: dirname(file.path),
      contentType: false,
      cacheControl: false,
      dotfiles: 'allow',
      index: false,
    })
    if (sent.type === 'error') {
      sent.stream.destroy()
      // 416 keeps its Content-Range (`bytes */size`) so a player can ask again; others are plain.
      if (sent.statusCode !== 416) return text(sent.statusCode, sent.statusCode === 404 ? 'No such media' : 'Could not read media')
      return new Response(null, { status: 416, headers: { 'Content-Range': sent.headers['Content-Range'] ?? `bytes */${file.size}` } })
    }
    const status = sent.statusCode
    const answer = {
      ...sent.headers,
      ...(status === 304 ? {} : { 'Content-Type': row.mime_type }),
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    }
    // HEAD and 304 have no body; a Response refuses one for 304.
    if (request.method === 'HEAD' || status === 304) {
      sent.stream.destroy()
      return new Response(null, { status, headers: answer })
    }
    return new Response(Readable.toWeb(sent.stream) as ReadableStream<Uint8Array>, { status, headers: answer })
  }
}

type TeamMediaSource = Pick<TeamClient, 'media'>

/**
 * Team mode's `greenline-media://media/<id>`: the bytes come from the team client (its cache, or
 * the server's `GET /media/:id` with the device token, which checks that this user may see them),
 * never from this computer's own engine. Same answers as the engine's handler: 400 for a malformed
 * id, 404 for media the server will not give, 503 offline and not cached; Range for seeking.
 */
export function createTeamMediaHandler(client: () => TeamMediaSource | undefined): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed')
    const id = mediaIdOf(request.url)
    if (!id) return text(400, 'Not a media id')
    const source = client()
    if (!source) return text(403, 'Sign in first')
    const result = await source.media(id)
    if (!result.ok)
      return result.error.code === 'not_found' ? text(404, 'No such media') : text(503, 'Not connected to the Greenline server')
    const { bytes, mimeType } = result.value
    const headers: Record<string, string> = {
      'Content-Type': mimeType,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    }
    const range = byteRange(request.headers.get('range'), bytes.byteLength)
    if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${bytes.byteLength}` } })
    const [start, end] = range ?? [0, bytes.byteLength - 1]
    const body = bytes.subarray(start, end + 1)
    Object.assign(
      headers,
      { 'Content-Length': String(body.byteLength) },
      range ? { 'Content-Range': `bytes ${start}-${end}/${bytes.byteLength}` } : {},
    )
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: range ? 206 : 200, headers })
  }
}

/** One `bytes=start-end` range (what a media player asks for), or undefined for the whole file. */
function byteRange(header: string | null, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/)
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1])
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  return start > end || start >= size ? 'unsatisfiable' : [start, end]
}

function mediaIdOf(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  const id = url.pathname.replace(/^\//, '')
  return url.protocol === `${MEDIA_SCHEME}:` && url.hostname === 'media' && isValidMediaId(id) ? id : undefined
}

export function handleMediaProtocol(protocol: Pick<Protocol, 'handle'>, handler: (request: Request) => Promise<Response>): void {
  protocol.handle(MEDIA_SCHEME, (request) => handler(request))
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}
