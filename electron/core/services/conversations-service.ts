import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Channel, Conversation } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { decodeConversationCursor } from '../db/repositories/conversations'
import { canRequestConsent } from '../policy/consent'
import { requireParticipant, requireReader } from './access'
import { consentSnapshot, requestConsent, requestConsentIfUsable } from './consent-service'
import { loadConversation, loadConversations } from './views'

export async function listConversations(
  ctx: EngineContext,
  userId: string,
  filter: { channel?: Channel; unread?: boolean; contactId?: string; cursor?: string; limit?: number },
): Promise<Conversation[]> {
  const now = ctx.clock.now()
  const cursor = filter.cursor === undefined ? undefined : decodeConversationCursor(filter.cursor)
  if (filter.cursor !== undefined && !cursor) throw new ApiFailure('invalid', engineText('request.badCursor'))
  const current = await loadConversations(ctx.store, await ctx.store.conversations.listConversationRows(userId, { ...filter, cursor }), now)
  if (!filter.contactId || cursor) return current
  // A contact's History also shows the ended threads the user took part in, read-only.
  const shown = new Set(current.map((c) => c.id))
  const ended: Conversation[] = []
  for (const id of await ctx.store.conversations.endedConversationIdsFor(userId, filter.contactId)) {
    const conversation = shown.has(id) ? undefined : await loadConversation(ctx.store, id, userId, now)
    if (conversation && (!filter.channel || conversation.channel === filter.channel)) ended.push(conversation)
  }
  return [...current, ...ended].sort((a, b) => b.lastActivityAt - a.lastActivityAt)
}

export async function getConversation(ctx: EngineContext, userId: string, id: string): Promise<Conversation> {
  await requireReader(ctx, id, userId)
  return (await loadConversation(ctx.store, id, userId, ctx.clock.now()))!
}

/**
 * Opens the user's thread with a contact on a channel: the newest open one they take part in, or a
 * new one (`newThread`, or none open). A WhatsApp start without consent sends the opt-in request
 * unless `requestConsent` is false (the composer then asks before the first message).
 */
export async function startConversation(
  ctx: EngineContext,
  userId: string,
  input: { contactId: string; channel: Channel; newThread?: boolean; requestConsent?: boolean },
): Promise<Conversation> {
  const contact = await ctx.store.contacts.getContact(input.contactId)
  if (!contact) throw new ApiFailure('not_found', engineText('contact.saveFirst'))
  if (input.channel === 'whatsapp') {
    if (!ctx.org.whatsapp.enabled) throw new ApiFailure('unavailable', engineText('whatsapp.disabled'))
    if (!contact.phone && !contact.userId) throw new ApiFailure('invalid', engineText('contact.noWhatsAppNumber', { name: contact.name }))
  } else if (!contact.phone) {
    throw new ApiFailure('invalid', engineText('contact.noNumber', { name: contact.name }))
  }
  const now = ctx.clock.now()
  const conversationId = await inTransaction(ctx, async (tx) => {
    if (!input.newThread) {
      const rows = await tx.store.conversations.listConversationRows(userId, { contactId: contact.id, channel: input.channel })
      const existing = rows.find((row) => row.ended_at === null)
      if (existing) return existing.id
    }
    const id = ctx.newId('v_')
    await tx.store.conversations.insertConversation({ id, contactId: contact.id, channel: input.channel, now })
    await tx.store.conversations.addParticipant(id, userId, now)
    await tx.store.ledger.appendAudit({
      at: now,
      actorId: userId,
      action: 'conversation.started',
      conversationId: id,
      detail: { channel: input.channel, contactId: contact.id },
    })
    if (
      input.channel === 'whatsapp' &&
      input.requestConsent !== false &&
      canRequestConsent(await consentSnapshot(tx, contact.id), now).ok
    ) {
      await requestConsentIfUsable(tx, id, contact.id, userId)
    }
    ctx.changes.conversation(id)
    return id
  })
  return (await loadConversation(ctx.store, conversationId, userId, now))!
}

export async function requestConsentFor(ctx: EngineContext, userId: string, id: string): Promise<Conversation> {
  const conversation = await requireParticipant(ctx, id, userId)
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('consent.whatsAppOnly'))
  await inTransaction(ctx, (tx) => requestConsent(tx, id, conversation.contactId, userId))
  ctx.changes.conversation(id)
  return (await loadConversation(ctx.store, id, userId, ctx.clock.now()))!
}

/** Clears the user's unread count; the caller sends the WhatsApp read receipt. */
export async function markConversationRead(ctx: EngineContext, userId: string, id: string): Promise<boolean> {
  await requireParticipant(ctx, id, userId)
  const changed = await ctx.store.conversations.markReadFor(id, userId, ctx.clock.now())
  if (changed) ctx.changes.conversation(id)
  return changed
}
