import type { Server } from 'node:http'
import type { Engine } from '../core/engine'
import { freePort } from '../core/http/http-util'
import type { WebhookRouteOptions } from '../core/http/webhook-routes'
import { buildHostApp, type AppBase } from '../server/app'

export interface HostOptions extends WebhookRouteOptions {
  engine: Engine
  token: string
  port?: number
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** The sandbox answers (or no connector is needed): what `/readyz` reports beyond the database. */
  connectorReady?: () => Promise<boolean>
  /** Socket and upload limits (tests lower them). */
  limits?: AppBase['limits']
}

export interface Host {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

/**
 * The browser host: the team server's Fastify composition in its loopback mode (the renderer,
 * media with Range/ETag, the picture upload route, the API over WebSocket), bound to 127.0.0.1
 * and gated by one token instead of sign-in. Webhook routes and `GET /healthz` need no token.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const port = options.port || (await freePort())
  const app = await buildHostApp({
    engine: options.engine,
    token: options.token,
    port,
    rendererDir: options.rendererDir,
    extraRoutes: options.extraRoutes ?? [],
    connectorReady: options.connectorReady ?? (() => Promise.resolve(true)),
    now: () => options.engine.clock.now(),
    ...(options.limits ? { limits: options.limits } : {}),
  })
  try {
    await app.listen({ host: '127.0.0.1', port })
  } catch (error) {
    await app.close()
    throw error
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server: app.server,
    close: () => app.close(),
  }
}
