import { header, readBody, send, sendJson } from '../core/http/http-util'
import type { WebhookRoute } from '../core/http/webhook-routes'
import { verifyWebhookSignature } from '../core/whatsapp/signature'

/** Where the embedded sandbox posts its clock jumps, on the engine's listener. */
export const SANDBOX_CLOCK_PATH = '/webhooks/sandbox-clock'

/**
 * `POST /webhooks/sandbox-clock` `{ offsetMs }`, signed with the sandbox's app secret: the sandbox's
 * clock jumped, so the engine's clock follows. Unsigned or forged jumps get 401 and move nothing;
 * a body without a finite `offsetMs` gets 400. Added to the engine's routes only in sandbox mode.
 */
export function sandboxClockRoute(options: { secret: string; onClock: (offsetMs: number) => void }): WebhookRoute {
  return async (request, response, url) => {
    if (url.pathname !== SANDBOX_CLOCK_PATH || request.method !== 'POST') return false
    const body = await readBody(request, 10_000)
    if (!verifyWebhookSignature(body, header(request, 'x-hub-signature-256'), options.secret)) {
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
      options.onClock(offsetMs)
      sendJson(response, 200, { ok: true })
    }
    return true
  }
}
