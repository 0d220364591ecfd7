import { inTransaction } from '../../context'
import { recordSmsConsent, smsOptedOut } from '../../channels/sms-consent'
import type { SendJobDeps, SendJobInput, SendOutcome } from './send-job'

/**
 * An SMS through the configured provider (no WhatsApp rules, no rate limits of Meta's). A contact
 * who replied STOP is not texted; a provider's opt-out refusal (Twilio 21610) is written to the
 * consent ledger so the next text is stopped here.
 */
export async function sendSmsJob({ ctx, sms }: SendJobDeps, { message, contact }: SendJobInput): Promise<SendOutcome> {
  if (!sms) return { ok: false, error: { kind: 'transient', reason: 'SMS is not available right now' } }
  if (!contact.phone) return { ok: false, error: { kind: 'invalid', reason: 'The contact has no phone number' } }
  if (await smsOptedOut(ctx, contact.id))
    return {
      ok: false,
      error: {
        kind: 'permanent',
        reason: `${contact.name} replied STOP to your texts; they must text START before you can text them again.`,
      },
    }
  const result = await sms.sendSms({ to: contact.phone, text: message.body ?? '', clientRef: message.id })
  if (!result.ok && result.error.optedOut) {
    await inTransaction(ctx, (tx) => recordSmsConsent(tx, contact.id, 'blocked', message.id, { code: result.error.code }))
  }
  return result.ok ? { ok: true, providerId: result.value.providerId } : result
}
