import { basename, dirname } from 'node:path'
import { Readable } from 'node:stream'
import send from '@fastify/send'
import type { Protocol } from 'electron'
import type { Engine } from '../core/engine'
import { getMedia } from '../core/db/repositories/media'
import { isValidMediaId } from '../core/media/media-store'

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
export function createMediaHandler(engine: Pick<Engine, 'media' | 'db'>, signedIn: () => boolean): (request: Request) => Promise<Response> {
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

export function handleMediaProtocol(protocol: Pick<Protocol, 'handle'>, handler: (request: Request) => Promise<Response>): void {
  protocol.handle(MEDIA_SCHEME, (request) => handler(request))
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}
