import type { SendJobDeps, SendJobInput, SendOutcome } from './send-job'

/** An SMS through the softphone's provider (no WhatsApp rules, no rate limits of Meta's). */
export async function sendSmsJob({ sms }: SendJobDeps, { message, contact }: SendJobInput): Promise<SendOutcome> {
  if (!sms) return { ok: false, error: { kind: 'transient', reason: 'SMS is not available right now' } }
  if (!contact.phone) return { ok: false, error: { kind: 'invalid', reason: 'The contact has no phone number' } }
  const result = await sms.sendSms({ to: contact.phone, text: message.body ?? '', clientRef: message.id })
  return result.ok ? { ok: true, providerId: result.value.providerId } : result
}
