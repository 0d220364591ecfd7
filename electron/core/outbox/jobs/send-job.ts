import type { Contact } from '../../../shared/domain'
import type { SmsProvider } from '../../channels/provider'
import type { EngineContext } from '../../context'
import type { MessageRow } from '../../db/repositories/messages'
import type { MediaStore } from '../../media/media-store'
import type { Recipient, WhatsAppClient } from '../../whatsapp/client'
import type { WhatsAppError } from '../../whatsapp/errors'

/** Why a send did not go: a mapped Graph error, or one of our own in the same shape. */
export type SendError =
  WhatsAppError | { kind: 'transient' | 'rate_limited' | 'invalid' | 'permanent'; reason: string; code?: number; retryAfterMs?: number }

/** What one send job resolves to (it never throws for provider or network trouble). */
export type SendOutcome = { ok: true; providerId: string; waId?: string } | { ok: false; error: SendError }

/** What the send jobs are given: the engine context and the providers (absent ones fail as transient). */
export interface SendJobDeps {
  ctx: EngineContext
  whatsapp?: WhatsAppClient
  sms?: SmsProvider
  media?: MediaStore
  optInTemplate: { name: string; language: string }
}

/** One outbound message, with its recipient resolved and its extra data parsed. */
export interface SendJobInput {
  message: MessageRow
  contact: Contact
  extra: Record<string, unknown>
}

/** A WhatsApp send job: the client is there (the caller checked). */
export type WhatsAppSendJob = (deps: SendJobDeps & { whatsapp: WhatsAppClient }, input: SendJobInput) => Promise<SendOutcome>

/** Meta addresses a user by phone number, or by business-scoped user id when we have no number. */
export function whatsAppTarget(contact: Contact): Recipient {
  return contact.phone ? { to: contact.phone } : { recipient: contact.userId }
}

/** Several office users in one thread: the WhatsApp user sees who is writing. */
export function attributed(ctx: EngineContext, extra: Record<string, unknown>, text: string | undefined): string | undefined {
  if (typeof extra.attributedTo !== 'string' || !text) return text
  return ctx.org.attribution.replace('{name}', extra.attributedTo).replace('{text}', text)
}
