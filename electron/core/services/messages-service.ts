import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Message } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { holdForNew } from '../outbox/hold-rule'
import * as transitions from '../outbox/transitions'
import { canRequestConsent } from '../policy/consent'
import { requireOpen, requireParticipant, requireReader } from './access'
import { requestConsentIfUsable, snapshotOf, userInitiatedWindow } from './consent-service'
import { checkLexicon } from './lexicon'
import { loadMessages } from './views'

export async function listMessages(
  ctx: EngineContext,
  userId: string,
  input: { conversationId: string; before?: number; limit?: number },
): Promise<Message[]> {
  await requireReader(ctx, input.conversationId, userId)
  return loadMessages(
    ctx.store,
    await ctx.store.messages.listMessageRows(input.conversationId, { beforeSeq: input.before, limit: input.limit }),
  )
}

async function messageView(ctx: EngineContext, id: string): Promise<Message> {
  return (await loadMessages(ctx.store, [(await ctx.store.messages.getMessageRow(id))!]))[0]
}

/**
 * Writes an outbound message and its outbox row in one transaction, then wakes the scheduler.
 * WhatsApp messages the policy cannot send now are stored `held` with the reason; a first message
 * to someone never asked also queues the opt-in request. Sending twice with the same `clientId`
 * returns the first message instead of a copy.
 * @throws ApiFailure forbidden, not_found, conflict (ended thread, lexicon warning not confirmed) or
 *   invalid (lexicon block, missing picture)
 */
export async function sendMessage(
  ctx: EngineContext,
  userId: string,
  input: {
    conversationId: string
    text?: string
    mediaId?: string
    caption?: string
    clientId?: string
    confirmWarning?: boolean
    replyTo?: string
  },
): Promise<Message> {
  const conversation = await requireParticipant(ctx, input.conversationId, userId)
  // A repeat (a team client's outbox resending after a lost answer) gets the first message back,
  // even if the thread ended meanwhile; a clientId is never answered with someone else's message.
  if (input.clientId) {
    const existing = await ctx.store.messages.getMessageRowByClientId(conversation.id, input.clientId)
    if (existing && existing.author_id === userId) return messageView(ctx, existing.id)
    if (existing) throw new ApiFailure('conflict', engineText('message.idTaken'))
  }
  requireOpen(conversation)
  const text = input.text?.trim() ? input.text : undefined
  const verdict = await checkLexicon(ctx, [text, input.caption].filter(Boolean).join('\n'), userId, conversation.id)
  if (verdict.action === 'block')
    throw new ApiFailure('invalid', engineText('message.blocked', { reason: verdict.reason ?? verdict.rule ?? '' }), {
      rule: verdict.rule,
      lexicon: 'block',
    })
  if (verdict.action === 'warn' && !input.confirmWarning) {
    throw new ApiFailure('conflict', engineText('message.checkFirst', { reason: verdict.reason ?? verdict.rule ?? '' }), {
      rule: verdict.rule,
      lexicon: 'warn',
    })
  }
  if (input.mediaId) {
    if (!(await ctx.store.media.getMedia(input.mediaId))) throw new ApiFailure('invalid', engineText('picture.gone'))
    if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('picture.whatsAppOnly'))
  }
  const replyToProviderId = input.replyTo ? await quotedProviderId(ctx, conversation, input.replyTo) : undefined
  const now = ctx.clock.now()
  const participants = await ctx.store.conversations.listParticipants(conversation.id)
  const author = participants.find((p) => p.user_id === userId)
  const id = ctx.newId('m_')

  await inTransaction(ctx, async (tx) => {
    let status: Message['status'] = 'queued'
    let holdReason: Message['holdReason']
    if (conversation.channel === 'whatsapp') {
      const contact = await tx.store.contacts.getContact(conversation.contactId)
      const user = await tx.store.whatsappUsers.getWhatsAppUser(conversation.contactId)
      const snapshot = snapshotOf(user)
      const guestFirst = userInitiatedWindow(tx, user, now)
      if (snapshot.state === 'none' && !guestFirst && canRequestConsent(snapshot, now).ok && !contact?.notOnWhatsApp) {
        await requestConsentIfUsable(tx, conversation.id, conversation.contactId, userId)
      }
      // The policy, and lane order: messages never overtake earlier held ones in the same lane.
      holdReason = await holdForNew(tx, conversation.contactId, 'freeform', now)
      if (holdReason) status = 'held'
    }
    const kind = input.mediaId ? 'image' : 'text'
    const extra: Record<string, unknown> = {}
    if (input.caption) extra.caption = input.caption
    if (participants.length > 1 && author) extra.attributedTo = author.name
    const seq = await tx.store.messages.insertMessage({
      id,
      conversationId: conversation.id,
      direction: 'out',
      authorId: userId,
      kind,
      body: kind === 'text' ? text : input.caption,
      mediaId: input.mediaId,
      mediaState: input.mediaId ? 'ready' : undefined,
      extra: Object.keys(extra).length ? extra : undefined,
      status,
      holdReason,
      clientId: input.clientId,
      replyToProviderId,
      createdAt: now,
    })
    await tx.store.outbox.enqueue({
      messageId: id,
      lane: conversation.channel === 'whatsapp' ? conversation.contactId : `sms:${conversation.contactId}`,
      seq,
      kind: conversation.channel === 'sms' ? 'sms' : kind,
      state: status === 'held' ? 'held' : 'ready',
      dueAt: now,
    })
    await tx.store.conversations.touchConversation(conversation.id, seq, now)
  })
  ctx.changes.message(id, conversation.id)
  // Writing decides where the contact's replies land (reply-routing): the contact's other open
  // threads learn whether they still receive them.
  for (const other of await ctx.store.conversations.openConversationIds(conversation.contactId, conversation.channel)) {
    if (other !== conversation.id) ctx.changes.conversation(other)
  }
  ctx.wakeOutbox()
  return messageView(ctx, id)
}

/**
 * The WhatsApp id of the message a reply quotes. It must be in the same WhatsApp thread and have
 * reached WhatsApp (WhatsApp quotes by its own id). @throws ApiFailure invalid with the reason.
 */
async function quotedProviderId(ctx: EngineContext, conversation: { id: string; channel: string }, messageId: string): Promise<string> {
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('quote.whatsAppOnly'))
  const quoted = await ctx.store.messages.getMessageRow(messageId)
  if (!quoted || quoted.conversation_id !== conversation.id) throw new ApiFailure('invalid', engineText('quote.otherThread'))
  if (!quoted.provider_id) throw new ApiFailure('invalid', engineText('quote.notYetSent'))
  return quoted.provider_id
}

/** A failed message goes back into its lane at its original place; the policy decides again. */
export async function retryMessage(ctx: EngineContext, userId: string, id: string): Promise<Message> {
  const row = await ctx.store.messages.getMessageRow(id)
  if (!row || row.direction !== 'out') throw new ApiFailure('not_found', engineText('message.notFound'))
  const conversation = await requireParticipant(ctx, row.conversation_id, userId)
  requireOpen(conversation)
  if (row.status !== 'failed') throw new ApiFailure('conflict', engineText('message.retryOnlyFailed'))
  const now = ctx.clock.now()
  await transitions.requeue(
    ctx,
    {
      messageId: id,
      lane: conversation.channel === 'whatsapp' ? conversation.contactId : `sms:${conversation.contactId}`,
      seq: row.seq,
      kind: conversation.channel === 'sms' ? 'sms' : row.kind === 'template' ? 'template' : row.kind === 'image' ? 'image' : 'text',
    },
    now,
    row.conversation_id,
  )
  ctx.wakeOutbox()
  return messageView(ctx, id)
}

/** A held or queued message that has not started sending can be cancelled; it will never go out. */
export async function cancelMessage(ctx: EngineContext, userId: string, id: string): Promise<Message> {
  const row = await ctx.store.messages.getMessageRow(id)
  if (!row || row.direction !== 'out') throw new ApiFailure('not_found', engineText('message.notFound'))
  await requireParticipant(ctx, row.conversation_id, userId)
  const queued = await ctx.store.outbox.getOutboxRow(id)
  if (!queued || queued.state === 'leased') {
    throw new ApiFailure('conflict', engineText(row.status === 'sending' ? 'message.alreadySending' : 'message.cancelOnlyWaiting'))
  }
  await transitions.cancel(ctx, id, ctx.clock.now(), row.conversation_id)
  ctx.wakeOutbox()
  return messageView(ctx, id)
}
