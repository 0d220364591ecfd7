import { createServer, type Server } from 'node:http'
import type { Engine } from '../core/engine'
import { BodyTooLarge, send } from '../core/http/http-util'
import { handleWebhookRoutes, type WebhookRouteOptions } from '../core/http/webhook-routes'
import { createLogger } from '../core/platform/logger'

const log = createLogger('webhook-listener')

export interface WebhookListener {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

/**
 * The engine's HTTP listener on 127.0.0.1 for the desktop app, reachable by the embedded sandbox
 * (or a relay from Meta): `/healthz` and the signed `/webhooks/*` routes, nothing else. The desktop
 * renderer talks over IPC, so unlike the browser host this serves no page and no API.
 */
export async function startWebhookListener(
  options: WebhookRouteOptions & { engine: Pick<Engine, 'webhooks' | 'channels'>; port?: number },
): Promise<WebhookListener> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    handleWebhookRoutes(options.engine, request, response, url, options)
      .then((handled) => {
        if (!handled) send(response, 404, 'Not found')
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge) return send(response, 413, 'Payload too large')
        log.error('webhook request failed', { error: error instanceof Error ? error.name : 'unknown' })
        if (!response.headersSent) send(response, 500, 'Internal error')
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
