import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Engine } from '../engine'
import { verifyWebhookSignature } from '../whatsapp/signature'
import { MAX_WEBHOOK_BYTES } from '../whatsapp/webhook-intake'
import { header, readBody, send, sendJson } from './http-util'

export interface WebhookRouteOptions {
  /** Secret the embedded sandbox signs clock jumps with; unset outside sandbox mode. */
  sandboxSecret?: string
  /** Moves the engine's clock when the sandbox's clock jumps. */
  onSandboxClock?: (offsetMs: number) => void
}

/**
 * The engine's own HTTP routes, authenticated by signatures rather than a token (Meta cannot send
 * ours): `GET /healthz`, `/webhooks/whatsapp` (GET verification, POST signed deliveries),
 * `/webhooks/channels` (signed SMS/voicemail) and `/webhooks/sandbox-clock`. Served by the browser
 * host and by the desktop app's loopback listener. Resolves false for any other route.
 * Rejects with BodyTooLarge for an oversized body (the caller answers 413).
 */
export async function handleWebhookRoutes(
  engine: Pick<Engine, 'webhooks' | 'channels'>,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  options: WebhookRouteOptions,
): Promise<boolean> {
  const path = url.pathname
  if (path === '/healthz' && request.method === 'GET') {
    sendJson(response, 200, { ok: true })
    return true
  }
  if (path === '/webhooks/whatsapp') {
    if (request.method === 'GET') {
      const answer = engine.webhooks.verify(url.searchParams)
      send(response, answer.status, answer.body)
    } else if (request.method === 'POST') {
      const answer = engine.webhooks.receive(await readBody(request, MAX_WEBHOOK_BYTES), header(request, 'x-hub-signature-256'))
      send(response, answer.status, answer.body)
    } else send(response, 405, 'Method not allowed')
    return true
  }
  if (path === '/webhooks/channels' && request.method === 'POST') {
    const answer = await engine.channels.receiveSignedDelivery(await readBody(request, 1024 * 1024), header(request, 'x-hub-signature-256'))
    send(response, answer.status, answer.body)
    return true
  }
  if (path === '/webhooks/sandbox-clock' && request.method === 'POST' && options.sandboxSecret) {
    const body = await readBody(request, 10_000)
    if (!verifyWebhookSignature(body, header(request, 'x-hub-signature-256'), options.sandboxSecret)) {
      send(response, 401, 'Invalid signature')
      return true
    }
    let offsetMs = NaN
    try {
      offsetMs = Number((JSON.parse(body.toString('utf8')) as { offsetMs?: unknown }).offsetMs)
    } catch {
      // Answered below as missing.
    }
    if (!Number.isFinite(offsetMs)) send(response, 400, 'offsetMs missing')
    else {
      options.onSandboxClock?.(offsetMs)
      sendJson(response, 200, { ok: true })
    }
    return true
  }
  return false
}
