import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Engine } from '../core/engine'
import { serveApiSocket, type ApiSocketOptions } from '../core/http/api-socket'
import type { ApiSocketLimits } from '../core/http/in-flight'
import type { Caller, Presented } from './access'
import { createLogger } from '../core/platform/logger'

const log = createLogger('api-socket')

export interface ApiSocketRouteOptions {
  engine: Engine
  /** The base for parsing request URLs (the public URL, or the host's loopback address). */
  base: URL
  allowedOrigin: (origin: string) => boolean
  identify: (presented: Presented) => Caller | undefined | Promise<Caller | undefined>
  /** Demo mode: a connection without a credential may open and pick who it is. */
  openWithoutCaller: boolean
  /** Whether this caller's connection may use `session:signIn` to choose any org user. */
  allowSignIn: (caller: Caller | undefined) => boolean
  /** The user a connection acts as from the start (the session's, or the host's `?user=`). */
  userOf: (caller: Caller | undefined, url: URL) => string | undefined
  hostChannels?: ApiSocketOptions['hostChannels']
  limits: ApiSocketLimits
}

export interface ApiSocketRoute {
  /** Closes every connection opened with this credential (a revoked session or token). */
  closeCredential(credentialId: string, code: number, reason: string): void
  /** Closes every socket (clients reconnect and catch up from their change cursor). */
  closeAll(code: number, reason: string): void
}

/**
 * `/api` over WebSocket for both modes: Origin allow-list, the caller from the upgrade request,
 * frames limited to `limits.maxFrameBytes` (pictures travel over HTTP or IPC, never here) and
 * the in-flight budgets. Sockets are terminated before the listener closes.
 */
export function registerApiSocket(app: FastifyInstance, options: ApiSocketRouteOptions): ApiSocketRoute {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.limits.maxFrameBytes })
  const byCredential = new Map<string, Set<WebSocket>>()

  app.server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const reject = (status: number, reason: string) =>
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}`)
    if (/(^|\/|%2f)(\.|%2e){2}(\/|%2f|$)/i.test(request.url ?? '')) return reject(400, 'Bad Request')
    const url = new URL(request.url ?? '/', options.base)
    if (url.pathname !== '/api') return reject(404, 'Not Found')
    const origin = request.headers.origin
    if (origin !== undefined && !options.allowedOrigin(origin)) return reject(403, 'Forbidden origin')
    const upgrade = (caller: Caller | undefined) => {
      if (!caller && !options.openWithoutCaller) return reject(401, 'Unauthorized')
      sockets.handleUpgrade(request, socket, head, (ws) => {
        const credentialId = caller?.identity?.credentialId
        if (credentialId) {
          const set = byCredential.get(credentialId) ?? new Set()
          byCredential.set(credentialId, set.add(ws))
          ws.on('close', () => set.delete(ws))
        }
        const userId = options.userOf(caller, url)
        serveApiSocket(ws, {
          engine: options.engine,
          ...(userId ? { userId } : {}),
          allowSignIn: options.allowSignIn(caller),
          ...(options.hostChannels ? { hostChannels: options.hostChannels } : {}),
          limits: options.limits,
          transport: socket,
        })
      })
    }
    // The session is looked up in the database: when that fails (the database is away), the
    // client is told to come back (503), not that it is signed out (401).
    Promise.resolve(
      options.identify({
        authorization: request.headers.authorization,
        cookies: app.parseCookie(request.headers.cookie ?? ''),
        url,
      }),
    ).then(upgrade, (error: unknown) => {
      log.warn('could not identify a socket', { error: error instanceof Error ? error.message : String(error) })
      reject(503, 'Service Unavailable')
    })
  })

  // preClose, not onClose: the listener's close waits for every TCP connection, upgraded ones too.
  app.addHook('preClose', (done) => {
    // Clients reconnect (to this server restarted, or another instance); nothing waits on them.
    for (const ws of sockets.clients) ws.terminate()
    sockets.close()
    done()
  })

  return {
    closeCredential(credentialId, code, reason) {
      for (const ws of byCredential.get(credentialId) ?? []) ws.close(code, reason)
    },
    closeAll(code, reason) {
      for (const ws of sockets.clients) ws.close(code, reason)
    },
  }
}
