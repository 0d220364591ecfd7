import { ENGINE_TEXTS } from '../../shared/api/engine-text'
import { createHmac } from 'node:crypto'
import type { SmsProvider, SmsResult } from './provider'
import { DEFAULT_RATE_LIMIT_WAIT_MS, retryAfterMs } from './retry-after'

/** `sha256=` + hex HMAC-SHA256 of the exact body bytes: the generic provider's signature, both ways. */
export function signChannelBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/**
 * The generic signed-webhook provider: a PBX or softphone vendor implements one endpoint. Greenline
 * POSTs `{ "type": "sms", "id", "to", "text" }` (JSON, `X-Greenline-Signature: sha256=<hex HMAC of
 * the body>`); the vendor answers 2xx with `{ "id": "<their message id>" }`, or 4xx with
 * `{ "error": { "message": "…", "retryable"?: boolean } }`. 5xx are retried by the outbox; a 429 makes
 * every text wait its Retry-After (seconds) first.
 * Inbound SMS, voicemail and statuses come back signed the same way (README, "SMS providers").
 */
export function createWebhookSmsProvider(options: { url: string; secret: string; fetch?: typeof fetch; timeoutMs?: number }): SmsProvider {
  const doFetch = options.fetch ?? fetch
  return {
    async sendSms({ to, text, clientRef }): Promise<SmsResult> {
      const body = JSON.stringify({ type: 'sms', id: clientRef, to, text })
      let response: Response
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Greenline-Signature': signChannelBody(body, options.secret) },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
      } catch {
        return { ok: false, error: { kind: 'transient', reason: ENGINE_TEXTS['sms.serviceUnreachable'] } }
      }
      const answer = (await response.json().catch(() => ({}))) as { id?: unknown; error?: { message?: unknown; retryable?: unknown } }
      if (response.ok && typeof answer.id === 'string' && answer.id) return { ok: true, value: { providerId: answer.id } }
      const message = typeof answer.error?.message === 'string' && answer.error.message ? answer.error.message : undefined
      if (response.status === 429)
        return {
          ok: false,
          error: {
            kind: 'rate_limited',
            reason: message ?? ENGINE_TEXTS['sms.serviceSlowDown'],
            code: 429,
            retryAfterMs: retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_RATE_LIMIT_WAIT_MS,
          },
        }
      if (response.status >= 500 || answer.error?.retryable === true)
        return {
          ok: false,
          error: {
            kind: 'transient',
            reason: message ?? ENGINE_TEXTS['sms.serviceNotAnswering'],
            code: response.status,
          },
        }
      return { ok: false, error: { kind: 'invalid', reason: message ?? ENGINE_TEXTS['sms.serviceRefused'], code: response.status } }
    },
  }
}
