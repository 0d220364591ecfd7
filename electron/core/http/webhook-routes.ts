import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Engine } from '../engine'
import { MAX_WEBHOOK_BYTES } from '../whatsapp/webhook-parse'
import { header, readBody, send, sendJson } from './http-util'

/** One more route on the engine's listener; resolves false when the request is not for it. */
export type WebhookRoute = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>

export interface WebhookRouteOptions {
  /** Routes tried after the engine's own, added by whoever composes the listener (a launcher). */
  extraRoutes?: readonly WebhookRoute[]
}

/**
 * The engine's own HTTP routes, authenticated by signatures rather than a token (Meta cannot send
 * ours): `GET /healthz`, `/webhooks/whatsapp` (GET verification, POST signed deliveries),
 * `/webhooks/channels` (signed SMS/voicemail), then `options.extraRoutes`. Served by the browser
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
      const answer = await engine.webhooks.receive(await readBody(request, MAX_WEBHOOK_BYTES), header(request, 'x-hub-signature-256'))
      send(response, answer.status, answer.body)
    } else send(response, 405, 'Method not allowed')
    return true
  }
  if (path === '/webhooks/channels' && request.method === 'POST') {
    // The generic provider signs with X-Greenline-Signature; the sandbox's (Meta-like) header also works.
    const signature = header(request, 'x-greenline-signature') ?? header(request, 'x-hub-signature-256')
    const answer = await engine.channels.receiveSignedDelivery(await readBody(request, 1024 * 1024), signature)
    send(response, answer.status, answer.body)
    return true
  }
  for (const route of options.extraRoutes ?? []) if (await route(request, response, url)) return true
  return false
}
