import { type EngineText, engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { AccountHealthView, HoldReason, Message } from '../../shared/domain'
import type { EngineContext } from '../context'
import { policyHold } from '../outbox/hold-rule'
import { whatsAppTarget } from '../outbox/jobs/send-job'
import type { ReactionMessage, SendValue, WhatsAppResult } from '../whatsapp/client'
import { requireOpen, requireParticipant } from './access'
import { loadMessages } from './views'
import { whatsAppReasonText } from '../whatsapp/errors'

export interface ReactionDeps {
  /** The WhatsApp client's reaction send; absent when WhatsApp is not connected. */
  send?: (input: ReactionMessage) => Promise<WhatsAppResult<SendValue>>
  health: () => Promise<AccountHealthView>
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
  const row = await ctx.store.messages.getMessageRow(input.id)
  if (!row || row.direction === 'system' || row.kind === 'reaction') throw new ApiFailure('not_found', engineText('message.notFound'))
  const conversation = await requireParticipant(ctx, row.conversation_id, userId)
  requireOpen(conversation)
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('reaction.whatsAppOnly'))
  if (!row.provider_id) throw new ApiFailure('invalid', engineText('reaction.notYetSent'))
  const contact = await ctx.store.contacts.getContact(conversation.contactId)
  if (!contact) throw new ApiFailure('not_found', engineText('contact.notFound'))
  const health = await deps.health()
  if (health.paused)
    throw new ApiFailure(
      'conflict',
      health.reason
        ? engineText('message.notSent', { reason: whatsAppReasonText(health.code, health.reason) ?? health.reason })
        : engineText('message.accountPaused'),
    )
  const hold = await policyHold(ctx, conversation.contactId, 'freeform', ctx.clock.now())
  if (hold) throw new ApiFailure('conflict', heldText(hold, contact.name), { holdReason: hold })
  if (!deps.send) throw new ApiFailure('unavailable', engineText('whatsapp.notConnected'))

  const result = await deps.send({
    ...whatsAppTarget(contact),
    providerMessageId: row.provider_id,
    emoji: input.emoji,
    bizOpaque: ctx.newId('r_'),
  })
  if (!result.ok)
    throw new ApiFailure(
      'unavailable',
      engineText('message.notSent', { reason: whatsAppReasonText(result.error.code, result.error.reason) ?? result.error.reason }),
    )
  // Written, then announced: the change is emitted only once the write has finished.
  await ctx.store.messages.setReaction(row.id, userId, input.emoji || null, ctx.clock.now())
  ctx.changes.message(row.id, row.conversation_id)
  return (await loadMessages(ctx.store, [(await ctx.store.messages.getMessageRow(row.id))!]))[0]
}

/** Why a reaction cannot go out now, naming the WhatsApp user (reactions are never queued). */
function heldText(hold: HoldReason, name: string): EngineText {
  switch (hold) {
    case 'awaiting_consent':
      return engineText('message.heldAwaitingConsent', { name })
    case 'awaiting_reply':
      return engineText('message.heldAwaitingReply', { name })
    case 'opted_out':
      return engineText('message.heldOptedOut', { name })
    case 'not_on_whatsapp':
      return engineText('message.heldNotOnWhatsApp', { name })
    case 'account_paused':
      return engineText('message.accountPaused')
  }
}
