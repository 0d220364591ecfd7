import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Message } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { policyHold } from '../outbox/hold-rule'
import { requireOpen, requireParticipant } from './access'
import { loadMessages } from './views'

/** How many `{{n}}` variables a template body has (the highest n). */
export function variableCount(body: string): number {
  return Math.max(0, ...[...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])))
}

/** The body as the person reads it: each `{{n}}` replaced by the n-th value. */
export function fillTemplate(body: string, params: readonly string[]): string {
  return body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => params[Number(n) - 1] ?? whole)
}

/**
 * An office user sends one of the account's approved templates (`templates:send`), typically
 * where the 24-hour window is closed: only to someone who agreed to receive messages, only a
 * template WhatsApp has approved, and with every variable filled. The thread shows the filled text.
 * @throws ApiFailure not_found, forbidden, invalid (not WhatsApp, unknown template, variables), conflict (consent, state)
 */
export async function sendApprovedTemplate(
  ctx: EngineContext,
  userId: string,
  input: { conversationId: string; name: string; language: string; params: string[]; clientId?: string },
): Promise<Message> {
  const conversation = await requireParticipant(ctx, input.conversationId, userId)
  if (input.clientId) {
    const existing = await ctx.store.messages.getMessageRowByClientId(conversation.id, input.clientId)
    if (existing && existing.author_id === userId) return view(ctx, existing.id)
    if (existing) throw new ApiFailure('conflict', engineText('message.idTaken'))
  }
  requireOpen(conversation)
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('template.whatsAppOnly'))
  const template = ctx.templates.get(input.name, input.language)
  if (!template?.body) throw new ApiFailure('invalid', engineText('template.notFound', { name: input.name, language: input.language }))
  if (template.status !== 'APPROVED')
    throw new ApiFailure('conflict', engineText('template.notUsable', { name: input.name, status: template.status.toLowerCase() }))
  const expected = variableCount(template.body)
  if (input.params.length !== expected || input.params.some((p) => p.trim() === '' || /[\n\r\t]| {5,}/.test(p)))
    throw new ApiFailure('invalid', engineText('template.fillFields', { count: expected }))
  const contact = await ctx.store.contacts.getContact(conversation.contactId)
  const consent = (await ctx.store.whatsappUsers.getWhatsAppUser(conversation.contactId)).consent
  // Business templates need the person's agreement; the opt-in request is the one that asks for it.
  if (consent !== 'granted') throw new ApiFailure('conflict', engineText('consent.notGiven', { name: contact?.name ?? 'This person' }))

  const now = ctx.clock.now()
  const id = ctx.newId('m_')
  const holdReason = await policyHold(ctx, conversation.contactId, 'template', now)
  await inTransaction(ctx, async (tx) => {
    const seq = await tx.store.messages.insertMessage({
      id,
      conversationId: conversation.id,
      direction: 'out',
      authorId: userId,
      kind: 'template',
      body: fillTemplate(template.body!, input.params),
      extra: { template: { name: input.name, language: input.language, params: input.params } },
      status: holdReason ? 'held' : 'queued',
      holdReason,
      clientId: input.clientId,
      createdAt: now,
    })
    await tx.store.outbox.enqueue({
      messageId: id,
      lane: conversation.contactId,
      seq,
      kind: 'template',
      state: holdReason ? 'held' : 'ready',
      dueAt: now,
    })
    await tx.store.conversations.touchConversation(conversation.id, seq, now)
  })
  ctx.changes.message(id, conversation.id)
  ctx.wakeOutbox()
  return view(ctx, id)
}

async function view(ctx: EngineContext, id: string): Promise<Message> {
  return (await loadMessages(ctx.store, [(await ctx.store.messages.getMessageRow(id))!]))[0]
}
