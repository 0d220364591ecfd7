import type { Contact, MessageKind } from '../../shared/domain'
import type { EngineContext } from '../context'
import { isWindowOpen } from '../policy/window'
import type { Channel } from '../../shared/domain'
import { classifyReply } from '../policy/keywords'
import type { InboundMessage, UserPreference, ContactInfo } from '../whatsapp/webhook-types'
import { applyConsent, recordUserInitiated } from './consent-service'
import { releaseLane } from './lanes'
import { replyThreadId } from './reply-routing'
import { addSystemLine } from './system-lines'

/**
 * Inbound WhatsApp messages: the WhatsApp user can always write, so every message is stored and
 * shown (unknown kinds as "unsupported message"), never dropped. Idempotent on the provider id.
 * Call inside a transaction. Returns the ids of new messages whose media must be downloaded.
 */
export async function receiveWhatsAppMessage(
  ctx: EngineContext,
  inbound: InboundMessage,
  profiles: ContactInfo[],
): Promise<{ mediaMessageId?: string }> {
  if (await ctx.store.messages.getMessageRowByProviderId(inbound.providerId)) return {}
  const now = ctx.clock.now()
  const at = Math.min(inbound.timestamp, now)

  if (inbound.kind === 'system') return receiveSystem(ctx, inbound, at)

  const profile = profiles.find(
    (p) => (inbound.fromUserId && p.userId === inbound.fromUserId) || (inbound.fromWaId && p.waId === inbound.fromWaId),
  )
  const contact = await contactForSender(ctx, {
    waId: inbound.fromWaId ?? profile?.waId,
    userId: inbound.fromUserId ?? profile?.userId,
    name: profile?.profileName ?? inbound.profileName ?? profile?.username,
  })
  const conversationId = await threadFor(ctx, contact.id, 'whatsapp', now)
  // Read once: the window as it was (before this message) and the consent, which storing it does not change.
  const user = await ctx.store.whatsappUsers.getWhatsAppUser(contact.id)
  const before = { windowWasOpen: isWindowOpen(user.last_inbound_at ?? undefined, now), consent: user.consent }
  await ctx.store.whatsappUsers.recordInbound(contact.id, at)

  if (inbound.kind === 'reaction' && inbound.reaction) {
    await ctx.store.messages.insertMessage({
      id: ctx.newId('m_'),
      conversationId,
      direction: 'in',
      kind: 'reaction',
      status: 'received',
      providerId: inbound.providerId,
      extra: { targetProviderId: inbound.reaction.targetProviderId, emoji: inbound.reaction.emoji },
      createdAt: now,
    })
    const target = await ctx.store.messages.getMessageRowByProviderId(inbound.reaction.targetProviderId)
    if (target) {
      await ctx.store.messages.setReaction(target.id, 'contact', inbound.reaction.emoji, at)
      ctx.changes.message(target.id, target.conversation_id)
    }
    await afterInbound(ctx, contact, inbound, undefined)
    return {}
  }

  const id = ctx.newId('m_')
  const extra = extraFor(inbound)
  const seq = await ctx.store.messages.insertMessage({
    id,
    conversationId,
    direction: 'in',
    kind: kindFor(inbound),
    body: inbound.text,
    mediaState: inbound.media ? 'downloading' : undefined,
    providerMediaId: inbound.media?.id,
    extra: Object.keys(extra).length ? extra : undefined,
    status: 'received',
    providerId: inbound.providerId,
    replyToProviderId: inbound.context?.providerId && inbound.kind !== 'button' ? inbound.context.providerId : undefined,
    createdAt: now,
  })
  await ctx.store.conversations.touchConversation(conversationId, seq, now)
  await ctx.store.conversations.incrementUnread(conversationId)
  ctx.changes.message(id, conversationId)
  await recordUserInitiated(ctx, contact.id, id, before)
  await afterInbound(ctx, contact, inbound, id)
  return inbound.media ? { mediaMessageId: id } : {}
}

/** Consent replies, and the re-opened 24-hour window releasing held messages. */
async function afterInbound(ctx: EngineContext, contact: Contact, inbound: InboundMessage, messageId: string | undefined): Promise<void> {
  const classification = classifyReply(
    { text: inbound.kind === 'text' ? inbound.text : undefined, buttonPayload: inbound.button?.payload ?? inbound.interactive?.id },
    ctx.keywords,
  )
  const state = await applyConsent(ctx, contact.id, {
    type: 'reply',
    at: ctx.clock.now(),
    classification,
    evidenceMessageId: messageId ?? inbound.providerId,
    via: inbound.button || inbound.interactive ? 'button' : 'text',
  })
  if (state === 'granted') await releaseLane(ctx, contact.id)
  for (const id of await ctx.store.conversations.openConversationIds(contact.id, 'whatsapp')) ctx.changes.conversation(id)
}

/** A contact's WhatsApp identity, as the audit log keeps it. */
function identity(contact: Contact): Record<string, string | null> {
  return { phone: contact.phone ?? null, waId: contact.waId ?? null, userId: contact.userId ?? null }
}

async function receiveSystem(ctx: EngineContext, inbound: InboundMessage, at: number): Promise<{ mediaMessageId?: string }> {
  const system = inbound.system
  const contact = await ctx.store.contacts.findContactByWhatsApp({
    waId: inbound.fromWaId,
    userId: system?.previousUserId ?? inbound.fromUserId,
  })
  if (!contact || !system) return {}
  const now = ctx.clock.now()
  let text: string | undefined
  if (system.type === 'user_changed_number' && system.newWaId) {
    const phone = `+${system.newWaId}`
    const clash = await ctx.store.contacts.findContactByPhone(phone)
    await ctx.store.contacts.updateContactIdentity(contact.id, {
      waId: system.newWaId,
      ...(clash ? {} : { phone }),
      ...(system.userId ? { userId: system.userId } : {}),
      now,
    })
    text = `${contact.name} changed their phone number to ${phone}`
  } else if (system.type === 'user_changed_user_id' && system.userId) {
    await ctx.store.contacts.updateContactIdentity(contact.id, { userId: system.userId, now })
    text = `${contact.name}'s WhatsApp account changed`
  } else {
    text = system.body ?? `${contact.name}: ${system.type.replace(/_/g, ' ')}`
  }
  // Who the contact is may have changed: the audit row keeps before and after (issue 16).
  const changed = await ctx.store.contacts.getContact(contact.id)
  await ctx.store.ledger.appendAudit({
    at,
    action: `whatsapp.${system.type}`,
    detail: { contactId: contact.id, providerId: inbound.providerId, before: identity(contact), after: changed ? identity(changed) : null },
  })
  const conversations = await ctx.store.conversations.openConversationIds(contact.id, 'whatsapp')
  for (const conversationId of conversations) await addSystemLine(ctx, conversationId, text, { providerId: inbound.providerId })
  // Kept (hidden) so the same webhook delivered twice is recognised.
  if (conversations[0]) {
    await ctx.store.messages.insertMessage({
      id: ctx.newId('m_'),
      conversationId: conversations[0],
      direction: 'in',
      kind: 'reaction',
      status: 'received',
      providerId: inbound.providerId,
      extra: { system: system.type },
      createdAt: now,
    })
  }
  const updated = await ctx.store.contacts.getContact(contact.id)
  if (updated) ctx.changes.contact(updated)
  return {}
}

export async function receivePreference(ctx: EngineContext, preference: UserPreference): Promise<void> {
  const contact = await ctx.store.contacts.findContactByWhatsApp({ waId: preference.waId, userId: preference.userId })
  if (!contact) return
  await ctx.store.whatsappUsers.setMarketingOptOut(contact.id, preference.value === 'stop')
  await applyConsent(ctx, contact.id, { type: preference.value === 'stop' ? 'platform_stop' : 'platform_resume', at: preference.timestamp })
}

/** The saved contact for a WhatsApp sender, saved now if they are new (they can always write). */
export async function contactForSender(ctx: EngineContext, who: { waId?: string; userId?: string; name?: string }): Promise<Contact> {
  const now = ctx.clock.now()
  const existing = await ctx.store.contacts.findContactByWhatsApp(who)
  if (existing) {
    const identityChanged = (who.userId && existing.userId !== who.userId) || (who.waId && existing.waId !== who.waId)
    if (identityChanged) {
      await ctx.store.contacts.updateContactIdentity(existing.id, { waId: who.waId, userId: who.userId, now })
      const after = await ctx.store.contacts.getContact(existing.id)
      await ctx.store.ledger.appendAudit({
        at: now,
        action: 'contact.identity_changed',
        detail: { contactId: existing.id, via: 'whatsapp', before: identity(existing), after: after ? identity(after) : null },
      })
    }
    if (existing.notOnWhatsApp) await ctx.store.contacts.updateContactIdentity(existing.id, { notOnWhatsApp: false, now })
    // Read again only when written (the common case, a known sender, is one read per delivery).
    return identityChanged || existing.notOnWhatsApp ? (await ctx.store.contacts.getContact(existing.id))! : existing
  }
  const phone = who.waId ? `+${who.waId}` : undefined
  const contact = await ctx.store.contacts.insertContact({
    id: ctx.newId('c_'),
    name: who.name?.trim() || phone || 'WhatsApp user',
    phone,
    waId: who.waId,
    userId: who.userId,
    now,
  })
  ctx.changes.contact(contact)
  return contact
}

/**
 * The thread an inbound message lands in: among the open ones on the channel, the one the last
 * outbound message went from, else the most recently active (`pickReplyThread`); with none open,
 * a new one for the people of the last thread (or, for someone new, everyone in the organization).
 */
export async function threadFor(ctx: EngineContext, contactId: string, channel: Channel, now: number): Promise<string> {
  const open = await replyThreadId(ctx.store, contactId, channel)
  if (open) return open
  const previous = await ctx.store.conversations.latestConversationId(contactId, channel)
  const id = ctx.newId('v_')
  await ctx.store.conversations.insertConversation({ id, contactId, channel, now, ...(previous ? { restartedFrom: previous.id } : {}) })
  const formerParticipants = previous ? (await ctx.store.conversations.listParticipants(previous.id, true)).map((p) => p.user_id) : []
  const audience = formerParticipants.length ? [...new Set(formerParticipants)] : (await ctx.store.orgUsers.listOrgUsers()).map((u) => u.id)
  for (const userId of audience) await ctx.store.conversations.addParticipant(id, userId, now)
  await ctx.store.ledger.appendAudit({
    at: now,
    action: 'conversation.opened_by_contact',
    conversationId: id,
    detail: { channel, contactId },
  })
  ctx.changes.conversation(id)
  return id
}

function kindFor(inbound: InboundMessage): MessageKind {
  return inbound.kind === 'order' ? 'unsupported' : inbound.kind
}

function extraFor(inbound: InboundMessage): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  if (inbound.media) {
    extra.mimeType = inbound.media.mimeType
    if (inbound.media.sha256) extra.sha256 = inbound.media.sha256
    if (inbound.media.caption) extra.caption = inbound.media.caption
    if (inbound.media.filename) extra.filename = inbound.media.filename
    if (inbound.media.voice) extra.voice = true
    if (inbound.media.animated) extra.animated = true
  }
  if (inbound.location) extra.location = inbound.location
  if (inbound.sharedContacts) extra.sharedContacts = inbound.sharedContacts
  if (inbound.button) extra.button = inbound.button
  if (inbound.interactive) extra.interactive = inbound.interactive
  if (inbound.context?.forwarded) extra.forwarded = true
  if (inbound.context?.frequentlyForwarded) extra.frequentlyForwarded = true
  if (inbound.referral) extra.referral = inbound.referral
  if (inbound.unsupportedType) extra.unsupportedType = inbound.unsupportedType
  if (inbound.order) extra.order = inbound.order
  if (inbound.errors?.length) extra.errors = inbound.errors.map((e) => ({ code: e.code, title: e.title }))
  return extra
}
