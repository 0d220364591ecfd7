import { ApiFailure } from '../../shared/api/result'
import type { AccountHealthView, Message } from '../../shared/domain'
import { holdReasonText } from '../../shared/policy-texts'
import type { EngineContext } from '../context'
import { getContact } from '../db/repositories/contacts'
import { getMessageRow, setReaction } from '../db/repositories/messages'
import { policyHold } from '../outbox/hold-rule'
import { whatsAppTarget } from '../outbox/jobs/send-job'
import type { ReactionMessage, SendValue, WhatsAppResult } from '../whatsapp/client'
import { requireOpen, requireParticipant } from './access'
import { toMessages } from './views'

export interface ReactionDeps {
  /** The WhatsApp client's reaction send; absent when WhatsApp is not connected. */
  send?: (input: ReactionMessage) => Promise<WhatsAppResult<SendValue>>
  health: () => AccountHealthView
}

/**
 * An office user reacts to a message of a WhatsApp thread (`emoji: ''` removes the reaction).
 * A reaction is not queued: it is sent at once and shown once WhatsApp accepted it, or refused
 * with why (window closed, no consent, account paused, WhatsApp's answer), so nothing is shown
 * that the person will not see.
 * @throws ApiFailure not_found, forbidden, invalid (not WhatsApp, not sent yet), conflict (policy), unavailable
 */
export async function reactToMessage(
  ctx: EngineContext,
  userId: string,
  input: { id: string; emoji: string },
  deps: ReactionDeps,
): Promise<Message> {
  const row = getMessageRow(ctx.db, input.id)
  if (!row || row.direction === 'system' || row.kind === 'reaction') throw new ApiFailure('not_found', 'This message does not exist')
  const conversation = requireParticipant(ctx, row.conversation_id, userId)
  requireOpen(conversation)
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', 'Reactions can only be sent on WhatsApp')
  if (!row.provider_id) throw new ApiFailure('invalid', 'This message has not reached WhatsApp yet, so it cannot be reacted to')
  const contact = getContact(ctx.db, conversation.contactId)
  if (!contact) throw new ApiFailure('not_found', 'The contact was deleted')
  const health = deps.health()
  if (health.paused) throw new ApiFailure('conflict', `Not sent: ${health.reason ?? 'WhatsApp is refusing the business account'}`)
  const hold = policyHold(ctx, conversation.contactId, 'freeform', ctx.clock.now())
  if (hold) throw new ApiFailure('conflict', `Not sent: ${holdReasonText(hold, contact.name)}`, { holdReason: hold })
  if (!deps.send) throw new ApiFailure('unavailable', 'WhatsApp is not connected right now')

  const result = await deps.send({
    ...whatsAppTarget(contact),
    providerMessageId: row.provider_id,
    emoji: input.emoji,
    bizOpaque: ctx.newId('r_'),
  })
  if (!result.ok) throw new ApiFailure('unavailable', `Not sent: ${result.error.reason}`)
  setReaction(ctx.db, row.id, userId, input.emoji || null, ctx.clock.now())
  ctx.changes.message(row.id, row.conversation_id)
  return toMessages(ctx.db, [getMessageRow(ctx.db, row.id)!])[0]
}
