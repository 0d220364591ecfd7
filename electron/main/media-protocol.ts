import { readFile } from 'node:fs/promises'
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
 * up (400 otherwise); unknown ids are 404; nothing is served before a user is signed in.
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
    const headers = {
      'Content-Type': row.mime_type,
      'Content-Length': String(file.size),
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    }
    if (request.method === 'HEAD') return new Response(null, { status: 200, headers })
    return new Response(new Uint8Array(await readFile(file.path)), { status: 200, headers })
  }
}

export function handleMediaProtocol(protocol: Pick<Protocol, 'handle'>, handler: (request: Request) => Promise<Response>): void {
  protocol.handle(MEDIA_SCHEME, (request) => handler(request))
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}
