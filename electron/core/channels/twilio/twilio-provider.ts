import type { SmsProvider, SmsResult } from '../provider'
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
 * plain words; never throws. A 429 or 5xx is transient (the outbox retries with backoff, honouring
 * Retry-After); a timeout after the request went out is left for the status callback to settle.
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
            reason: 'Could not reach the SMS provider; Greenline will try again.',
            ...(refused ? { code: 0 } : {}),
          },
        }
      }
      const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string }
      if (response.ok && body.sid) return { ok: true, value: { providerId: body.sid } }
      if (response.status === 429 || response.status >= 500) {
        const retryAfter = Number(response.headers.get('retry-after'))
        return {
          ok: false,
          error: {
            kind: 'transient',
            reason:
              response.status === 429
                ? 'The SMS provider asked Greenline to slow down; it will try again.'
                : 'The SMS provider is not answering; Greenline will try again.',
            code: body.code ?? response.status,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
          },
        }
      }
      const info = twilioError(body.code, body.message)
      return { ok: false, error: { ...info, ...(body.code ? { code: body.code } : {}) } }
    },
  }
}
