import { relative } from 'node:path'
import type { Readable } from 'node:stream'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Engine } from '../core/engine'
import { isValidMediaId } from '../core/media/media-store'
import { engineText } from '../shared/api/engine-text'
import { fail, type Result } from '../shared/api/result'
import type { Caller } from './access'

/** The engine refuses pictures over 50 MB; the upload route stops reading there. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024

export interface MediaRouteOptions {
  engine: Engine
  /** The media store's folder (`<data dir>/media`). */
  mediaRoot: string
  /** Whether this caller may read media `id` (the team server: a participant of a conversation holding it). */
  mayRead: (caller: Caller, id: string) => Promise<boolean>
  /** Who may upload and read media at all; answers the refusal itself. */
  requireCaller: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
  /** Refuses a cross-site POST (a browser sends its cookie with any). */
  sameOrigin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
  /** The upload byte limit (tests lower it). */
  maxUploadBytes?: number
}

class TooLarge extends Error {}

/** Reads a request stream into one buffer, stopping (and throwing) as soon as it passes `limit`. */
async function readLimited(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += (chunk as Buffer).byteLength
    // Stop reading; the 413 goes out with `Connection: close`, so the rest is never read.
    if (size > limit) throw new TooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks, size)
}

/**
 * Media over HTTP, one copy for the browser host and the team server:
 * - `GET /media/:id` streams a stored file with Range (seeking in a voicemail), ETag and
 *   conditional GET (@fastify/send), a sandboxing CSP and `?download=1` for an attachment;
 *   an id the caller may not read answers 404 like an unknown one, so ids cannot be probed.
 * - `POST /media` takes a picture as raw bytes (never base64 in JSON): read as a stream up to
 *   50 MB, then typed from its bytes, converted and shrunk by the engine's media pipeline
 *   (`media:upload`). Answers the channel's value, or `{ code, message }` with 400/413.
 */
export async function registerMediaRoutes(app: FastifyInstance, options: MediaRouteOptions): Promise<void> {
  const { engine, mediaRoot } = options
  const limit = options.maxUploadBytes ?? MAX_UPLOAD_BYTES
  await app.register(fastifyStatic, { root: mediaRoot, serve: false })

  app.get('/media/:id', { preHandler: options.requireCaller }, async (request, reply) => {
    const id = (request.params as { id: string }).id
    if (!isValidMediaId(id)) return reply.code(400).type('text/plain').send('Not a media id')
    const row = await engine.store.media.getMedia(id)
    // Checked before the file is opened, so a refusal leaves no stream open.
    const file = row && (await options.mayRead(request.caller!, id)) ? engine.media.open(id) : undefined
    if (!row || !file) return reply.code(404).type('text/plain').send('No such media')
    const download = (request.query as { download?: string }).download === '1'
    if (download) {
      void reply.header('Content-Disposition', `attachment; filename="greenline-${id.slice(0, 12)}${extensionFor(row.mime_type)}"`)
    }
    return reply
      .header('Content-Type', row.mime_type)
      .header('Cache-Control', 'private, max-age=31536000, immutable')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .sendFile(relative(mediaRoot, file.path), mediaRoot, { contentType: false, cacheControl: false })
  })
  // `/media/` with no id: the same clear refusal as a malformed one.
  app.get('/media/', { preHandler: options.requireCaller }, (_request, reply) => reply.code(400).type('text/plain').send('Not a media id'))

  await app.register((scope, _options, done) => {
    // Only this route takes a body this large, and takes it as a stream.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    scope.post('/media', { preHandler: [options.sameOrigin, options.requireCaller], bodyLimit: limit }, async (request, reply) => {
      const declared = Number(request.headers['content-length'] ?? 0)
      const refuse = () =>
        reply.code(413).send(fail('invalid', engineText('request.fileTooLarge', { megabytes: Math.round(limit / 1024 / 1024) })).error)
      if (declared > limit) return refuse()
      let bytes: Buffer
      try {
        bytes = request.body ? await readLimited(request.body as Readable, limit) : Buffer.alloc(0)
      } catch (error) {
        if (error instanceof TooLarge) return refuse()
        throw error
      }
      if (bytes.byteLength === 0) return reply.code(400).send(fail('invalid', engineText('media.empty')).error)
      const result: Result<unknown> = await engine.dispatch(
        // The host's token stands for the whole host (any user may sign in on it); a picture belongs to no one until sent.
        { userId: request.caller!.userId ?? '' },
        'media:upload',
        { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      )
      if (result.ok) return reply.code(201).send(result.value)
      return reply.code(result.error.code === 'invalid' ? 400 : 500).send(result.error)
    })
    done()
  })
}

function extensionFor(mimeType: string): string {
  return (
    {
      'image/jpeg': '.jpg',
      'image/png': '.png',
      'image/webp': '.webp',
      'audio/wav': '.wav',
      'audio/ogg': '.ogg',
      'audio/mpeg': '.mp3',
      'video/mp4': '.mp4',
      'application/pdf': '.pdf',
    }[mimeType] ?? ''
  )
}
