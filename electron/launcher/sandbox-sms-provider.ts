import type { SmsProvider, SmsResult } from '../core/channels/provider'

/**
 * The reference SMS provider: the sandbox's `POST /sms/v1/messages`. A softphone integration
 * implements the same `SmsProvider` interface against its own carrier API.
 */
export function createSandboxSmsProvider(options: {
  baseUrl: string
  accessToken: string
  fetch?: typeof fetch
  timeoutMs?: number
}): SmsProvider {
  const doFetch = options.fetch ?? fetch
  return {
    async sendSms({ to, text, clientRef }): Promise<SmsResult> {
      try {
        const response = await doFetch(`${options.baseUrl}/sms/v1/messages`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${options.accessToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ to, text, clientRef }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
        const body = (await response.json().catch(() => ({}))) as { id?: string; error?: { message?: string } }
        if (response.ok && body.id) return { ok: true, value: { providerId: body.id } }
        if (response.status >= 500)
          return { ok: false, error: { kind: 'transient', reason: 'The SMS service is not answering; Greenline will try again.' } }
        return { ok: false, error: { kind: 'invalid', reason: body.error?.message ?? 'The SMS service refused this message.' } }
      } catch {
        return { ok: false, error: { kind: 'transient', reason: 'Could not reach the SMS service; Greenline will try again.' } }
      }
    },
  }
}
