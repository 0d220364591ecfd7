import type { MessageRow } from '../../db/repositories/messages'
import type { OutboxKind } from '../../db/repositories/outbox'
import { sendImageJob } from './image'
import { sendOptInJob } from './opt-in'
import type { SendJobDeps, SendOutcome, WhatsAppSendJob } from './send-job'
import { sendSmsJob } from './sms'
import { sendTemplateJob } from './template'
import { sendTextJob } from './text'

export type { SendError, SendJobDeps, SendOutcome } from './send-job'

const WHATSAPP_JOBS: Record<Exclude<OutboxKind, 'sms'>, WhatsAppSendJob> = {
  text: sendTextJob,
  image: sendImageJob,
  template: sendOptInJob,
}

/**
 * Sends one outbox row's message with the job for its kind (Signal's per-kind send functions).
 * Resolves with what the provider said; the outcome module decides what that means.
 */
export async function runSendJob(deps: SendJobDeps, kind: OutboxKind, message: MessageRow): Promise<SendOutcome> {
  const conversation = await deps.ctx.store.conversations.conversationBasics(message.conversation_id)
  const contact = conversation && (await deps.ctx.store.contacts.getContact(conversation.contactId))
  if (!contact) return { ok: false, error: { kind: 'permanent', reason: 'The contact was deleted' } }
  if (kind === 'sms') return sendSmsJob(deps, { message, contact, extra: {} })
  const whatsapp = deps.whatsapp
  if (!whatsapp) return { ok: false, error: { kind: 'transient', reason: 'WhatsApp is not connected right now' } }
  const extra = message.extra ? (JSON.parse(message.extra) as Record<string, unknown>) : {}
  // A template is the opt-in request unless an office user chose it (templates:send).
  const job = kind === 'template' && typeof extra.template === 'object' ? sendTemplateJob : WHATSAPP_JOBS[kind]
  return job({ ...deps, whatsapp }, { message, contact, extra })
}
