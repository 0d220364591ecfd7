import type { WebhookRoute } from '../../http/webhook-routes'
import { header, readBody, send } from '../../http/http-util'
import type { TwilioHook, TwilioIntake } from './twilio-intake'

const PATHS: Record<string, TwilioHook> = {
  '/webhooks/twilio/sms': 'sms',
  '/webhooks/twilio/status': 'status',
  '/webhooks/twilio/voicemail': 'voicemail',
}

/**
 * Twilio's webhooks on the engine's listener, beside Meta's: `POST /webhooks/twilio/sms` (the
 * number's "A message comes in"), `/status` (status callbacks, set per message) and `/voicemail`
 * (the recording callback). Authenticated by X-Twilio-Signature, not by a token.
 */
export function twilioWebhookRoute(intake: TwilioIntake): WebhookRoute {
  return async (request, response, url) => {
    const hook = PATHS[url.pathname]
    if (!hook) return false
    if (request.method !== 'POST') {
      send(response, 405, 'Method not allowed')
      return true
    }
    const answer = await intake.receive(hook, url, await readBody(request, 256 * 1024), header(request, 'x-twilio-signature'))
    send(response, answer.status, answer.body, hook === 'sms' && answer.status === 200 ? { 'Content-Type': 'text/xml' } : {})
    return true
  }
}
