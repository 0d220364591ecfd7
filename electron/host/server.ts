import { timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer } from 'ws'
import type { Engine } from '../core/engine'
import { getMedia } from '../core/db/repositories/media'
import { isValidMediaId } from '../core/media/media-store'
import { createLogger } from '../core/platform/logger'
import { handleWebhookRoutes, type WebhookRouteOptions } from '../core/http/webhook-routes'
import { serveApiSocket } from '../core/http/api-socket'
import { BodyTooLarge, cookie, send } from '../core/http/http-util'

const log = createLogger('host')
const TOKEN_COOKIE = 'greenline_token'

export interface HostOptions extends WebhookRouteOptions {
  engine: Engine
  token: string
  port?: number
  /** The built renderer (out/renderer). */
  rendererDir: string
}

export interface Host {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The browser host: serves the built renderer and media over HTTP and the API over WebSocket, on
 * 127.0.0.1 only. Everything needs the token (query `?token=` once, then an HttpOnly cookie),
 * except `GET /healthz` and the webhook routes, which are authenticated by their signatures.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const { engine, token } = options
  let port = options.port ?? 0
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])

  const authorized = (request: IncomingMessage, url: URL) =>
    sameToken(url.searchParams.get('token') ?? undefined, token) ||
    sameToken(cookie(request, TOKEN_COOKIE), token) ||
    sameToken(request.headers.authorization?.replace(/^Bearer /, ''), token)

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // URL parsing would quietly resolve "..": a request that tries it is refused outright.
    if (/(^|\/|%2f)(\.|%2e){2}(\/|%2f|$)/i.test(request.url ?? '')) return send(response, 400, 'Bad path')
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`)
    const path = url.pathname
    if (await handleWebhookRoutes(engine, request, response, url, options)) return

    if (!authorized(request, url)) {
      return send(response, 401, 'Greenline needs its access token: open the address printed when it started (…/?token=…).')
    }
    if (url.searchParams.has('token') && request.method === 'GET' && !path.startsWith('/media/')) {
      // Trade the token in the address for a cookie, so it does not linger in history or logs.
      response.writeHead(303, {
        Location: path,
        'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      })
      response.end()
      return
    }
    if (path.startsWith('/media/')) return serveMedia(path.slice('/media/'.length), url, response)
    return serveRenderer(path, response)
  }

  function serveMedia(id: string, url: URL, response: ServerResponse): void {
    if (!isValidMediaId(id)) return send(response, 400, 'Not a media id')
    const file = engine.media.open(id)
    const row = getMedia(engine.db, id)
    if (!file || !row) return send(response, 404, 'No such media')
    const download = url.searchParams.get('download') === '1'
    response.writeHead(200, {
      'Content-Type': row.mime_type,
      'Content-Length': String(file.size),
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      ...(download ? { 'Content-Disposition': `attachment; filename="greenline-${id.slice(0, 12)}${extensionFor(row.mime_type)}"` } : {}),
    })
    response.end(readFileSync(file.path))
  }

  function serveRenderer(path: string, response: ServerResponse): void {
    const root = normalize(options.rendererDir)
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    } catch {
      return send(response, 400, 'Bad path')
    }
    let file = normalize(join(root, decoded))
    if (!file.startsWith(root + sep) && file !== root) return send(response, 400, 'Bad path')
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html')
    if (!existsSync(file)) return send(response, 503, 'The app is not built yet: run `npm run build`.')
    const headers: Record<string, string> = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    }
    if (file.endsWith('.html')) {
      headers['Content-Security-Policy'] =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
      headers['Cache-Control'] = 'no-store'
    }
    response.writeHead(200, headers)
    response.end(readFileSync(file))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return send(response, 413, 'Payload too large')
      log.error('request failed', { error: String(error) })
      if (!response.headersSent) send(response, 500, 'Internal error')
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 80 * 1024 * 1024 })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`)
    const origin = request.headers.origin
    const reject = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}`)
    }
    if (url.pathname !== '/api') return reject(404, 'Not Found')
    if (origin !== undefined && !allowedOrigins().has(origin)) return reject(403, 'Forbidden origin')
    if (!authorized(request, url)) return reject(401, 'Unauthorized')
    sockets.handleUpgrade(request, socket, head, (ws) =>
      serveApiSocket(ws, { engine, userId: url.searchParams.get('user') ?? undefined, allowSignIn: true }),
    )
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function extensionFor(mimeType: string): string {
  return (
    {
      'image/jpeg': '.jpg',
      'image/png': '.png',
      'audio/wav': '.wav',
      'audio/ogg': '.ogg',
      'audio/mpeg': '.mp3',
      'video/mp4': '.mp4',
      'application/pdf': '.pdf',
    }[mimeType] ?? ''
  )
}
