import { ENGINE_TEXTS } from '../../../shared/api/engine-text'
import type { SmsProvider, SmsResult } from '../provider'
import { DEFAULT_RATE_LIMIT_WAIT_MS, retryAfterMs } from '../retry-after'
import { twilioError } from './errors'

export const TWILIO_API_BASE = 'https://api.twilio.com'

/** What the Twilio provider needs; secrets come from the encrypted settings or the environment. */
export interface TwilioConfig {
  /** `AC…`: the account the messages belong to. */
  accountSid: string
  /** `SK…` API key (recommended) or the account SID itself with the auth token as secret. */
  apiKeySid: string
  apiKeySecret: string
  /** Validates X-Twilio-Signature on webhooks (Twilio signs with the account's auth token). */
  authToken: string
  /** The sending number (E.164), or a messaging service (`MG…`) that picks one. */
  from?: string
  messagingServiceSid?: string
  /** The public base URL Twilio calls back (status callbacks); the same one set on the number. */
  publicUrl: string
  /** Where the REST API is: Twilio's, or the sandbox's Twilio-compatible surface. */
  apiBaseUrl?: string
}

/** The status callback for a message: our id travels in it, so a lost send response is reconciled. */
export function statusCallbackUrl(publicUrl: string, messageId: string): string {
  const url = new URL('/webhooks/twilio/status', publicUrl)
  url.searchParams.set('ref', messageId)
  return url.toString()
}

/**
 * Outbound SMS through Twilio's Messages API (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded, HTTP basic auth with the API key). Resolves with the message SID or a reason in
 * plain words; never throws. A 429 is the account's rate limit (every text waits Retry-After, or a
 * second, then the outbox tries again); a 5xx is transient (retried with backoff); a timeout after the request went out is left for the status callback to settle.
 */
export function createTwilioSmsProvider(config: TwilioConfig, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): SmsProvider {
  const doFetch = options.fetch ?? fetch
  const base = (config.apiBaseUrl ?? TWILIO_API_BASE).replace(/\/$/, '')
  const endpoint = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`
  const auth = `Basic ${Buffer.from(`${config.apiKeySid}:${config.apiKeySecret}`).toString('base64')}`
  return {
    async sendSms({ to, text, clientRef }): Promise<SmsResult> {
      const form = new URLSearchParams({ To: to, Body: text, StatusCallback: statusCallbackUrl(config.publicUrl, clientRef) })
      if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid)
      else if (config.from) form.set('From', config.from)
      let response: Response
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          body: form.toString(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
        // Refused: nothing went out, try again. Anything else may have reached Twilio: the status
        // callback (carrying our id) settles it, else the outbox sends again after its grace period.
        return {
          ok: false,
          error: {
            kind: 'transient',
            reason: ENGINE_TEXTS['sms.providerUnreachable'],
            ...(refused ? { code: 0 } : {}),
          },
        }
      }
      const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string }
      if (response.ok && body.sid) return { ok: true, value: { providerId: body.sid } }
      if (response.status === 429)
        // Twilio's concurrency limit is the account's: a 429 was not processed and is safe to repeat.
        return {
          ok: false,
          error: {
            kind: 'rate_limited',
            reason: ENGINE_TEXTS['sms.providerSlowDown'],
            code: body.code ?? 20429,
            retryAfterMs: retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_RATE_LIMIT_WAIT_MS,
          },
        }
      if (response.status >= 500) {
        const retryAfter = retryAfterMs(response.headers.get('retry-after'))
        return {
          ok: false,
          error: {
            kind: 'transient',
            reason: ENGINE_TEXTS['sms.providerNotAnswering'],
            code: body.code ?? response.status,
            ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
          },
        }
      }
      const info = twilioError(body.code, body.message)
      return { ok: false, error: { ...info, ...(body.code ? { code: body.code } : {}) } }
    },
  }
}
