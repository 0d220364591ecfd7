import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import { verifyWebhookSignature } from '../core/whatsapp/signature'
import { MAX_WEBHOOK_BYTES } from '../core/whatsapp/webhook-intake'

const log = createLogger('webhook-listener')

export interface WebhookListener {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

/** A free loopback port (the sandbox needs the listener's address before the engine exists). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/**
 * The engine's HTTP listener on 127.0.0.1 for the desktop app, reachable by the embedded sandbox
 * (or a tunnel to Meta): `/webhooks/whatsapp` (GET verify, POST signed deliveries),
 * `/webhooks/channels` (signed SMS/voicemail) and `/webhooks/sandbox-clock` (signed clock jumps,
 * only with a sandbox secret), plus `GET /healthz`. Nothing else: the desktop renderer talks
 * over IPC, so unlike the browser host this serves no page and no API.
 */
export async function startWebhookListener(options: {
  engine: Pick<Engine, 'webhooks' | 'channels'>
  port?: number
  sandboxSecret?: string
  onSandboxClock?: (offsetMs: number) => void
}): Promise<WebhookListener> {
  const { engine } = options

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const path = url.pathname
    if (path === '/healthz' && request.method === 'GET') return send(response, 200, '{"ok":true}', 'application/json')
    if (path === '/webhooks/whatsapp') {
      if (request.method === 'GET') {
        const answer = engine.webhooks.verify(url.searchParams)
        return send(response, answer.status, answer.body)
      }
      if (request.method !== 'POST') return send(response, 405, 'Method not allowed')
      const answer = engine.webhooks.receive(await readBody(request, MAX_WEBHOOK_BYTES), header(request, 'x-hub-signature-256'))
      return send(response, answer.status, answer.body)
    }
    if (path === '/webhooks/channels' && request.method === 'POST') {
      const answer = await engine.channels.receiveSignedDelivery(await readBody(request, 1024 * 1024), header(request, 'x-hub-signature-256'))
      return send(response, answer.status, answer.body)
    }
    if (path === '/webhooks/sandbox-clock' && request.method === 'POST' && options.sandboxSecret) {
      const body = await readBody(request, 10_000)
      if (!verifyWebhookSignature(body, header(request, 'x-hub-signature-256'), options.sandboxSecret)) return send(response, 401, 'Invalid signature')
      const offsetMs = Number((JSON.parse(body.toString('utf8')) as { offsetMs?: unknown }).offsetMs)
      if (!Number.isFinite(offsetMs)) return send(response, 400, 'offsetMs missing')
      options.onSandboxClock?.(offsetMs)
      return send(response, 200, '{"ok":true}', 'application/json')
    }
    return send(response, 404, 'Not found')
  }

  const server = createHttpServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
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

function send(response: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  response.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' })
  response.end(body)
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      request.resume()
      reject(new BodyTooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > limit) {
        request.destroy()
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}
