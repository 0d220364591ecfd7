import type { Contact, MessageKind } from '../../shared/domain'
import type { EngineContext } from '../context'
import { findContactByPhone, findContactByWhatsApp, getContact, insertContact, updateContactIdentity } from '../db/repositories/contacts'
import {
  addParticipant,
  incrementUnread,
  insertConversation,
  latestConversationId,
  listParticipants,
  openConversationIds,
  touchConversation,
} from '../db/repositories/conversations'
import { appendAudit } from '../db/repositories/ledger'
import { getMessageRowByProviderId, insertMessage, setReaction } from '../db/repositories/messages'
import { listOrgUsers } from '../db/repositories/org-users'
import { getWhatsAppUser, recordInbound, setMarketingOptOut } from '../db/repositories/whatsapp-users'
import { isWindowOpen } from '../policy/window'
import type { Channel } from '../../shared/domain'
import { classifyReply } from '../policy/keywords'
import type { InboundMessage, UserPreference, ContactInfo } from '../whatsapp/webhook-types'
import { applyConsent, recordUserInitiated } from './consent-service'
import { releaseLane } from './lanes'
import { pickReplyThread } from './reply-routing'
import { replyCandidates } from '../db/repositories/reply-threads'
import { addSystemLine } from './system-lines'

/**
 * Inbound WhatsApp messages: the WhatsApp user can always write, so every message is stored and
 * shown (unknown kinds as "unsupported message"), never dropped. Idempotent on the provider id.
 * Call inside a transaction. Returns the ids of new messages whose media must be downloaded.
 */
export function receiveWhatsAppMessage(ctx: EngineContext, inbound: InboundMessage, profiles: ContactInfo[]): { mediaMessageId?: string } {
  if (getMessageRowByProviderId(ctx.db, inbound.providerId)) return {}
  const now = ctx.clock.now()
  const at = Math.min(inbound.timestamp, now)

  if (inbound.kind === 'system') return receiveSystem(ctx, inbound, at)

  const profile = profiles.find(
    (p) => (inbound.fromUserId && p.userId === inbound.fromUserId) || (inbound.fromWaId && p.waId === inbound.fromWaId),
  )
  const contact = contactForSender(ctx, {
    waId: inbound.fromWaId ?? profile?.waId,
    userId: inbound.fromUserId ?? profile?.userId,
    name: profile?.profileName ?? inbound.profileName ?? profile?.username,
  })
  const conversationId = threadFor(ctx, contact.id, 'whatsapp', now)
  const windowWasOpen = isWindowOpen(getWhatsAppUser(ctx.db, contact.id).last_inbound_at ?? undefined, now)
  recordInbound(ctx.db, contact.id, at)

  if (inbound.kind === 'reaction' && inbound.reaction) {
    insertMessage(ctx.db, {
      id: ctx.newId('m_'),
      conversationId,
      direction: 'in',
      kind: 'reaction',
      status: 'received',
      providerId: inbound.providerId,
      extra: { targetProviderId: inbound.reaction.targetProviderId, emoji: inbound.reaction.emoji },
      createdAt: now,
    })
    const target = getMessageRowByProviderId(ctx.db, inbound.reaction.targetProviderId)
    if (target) {
      setReaction(ctx.db, target.id, 'contact', inbound.reaction.emoji, at)
      ctx.changes.message(target.id, target.conversation_id)
    }
    afterInbound(ctx, contact, inbound, undefined)
    return {}
  }

  const id = ctx.newId('m_')
  const extra = extraFor(inbound)
  const seq = insertMessage(ctx.db, {
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
  touchConversation(ctx.db, conversationId, seq, now)
  incrementUnread(ctx.db, conversationId)
  ctx.changes.message(id, conversationId)
  recordUserInitiated(ctx, contact.id, id, windowWasOpen)
  afterInbound(ctx, contact, inbound, id)
  return inbound.media ? { mediaMessageId: id } : {}
}

/** Consent replies, and the re-opened 24-hour window releasing held messages. */
function afterInbound(ctx: EngineContext, contact: Contact, inbound: InboundMessage, messageId: string | undefined): void {
  const classification = classifyReply(
    { text: inbound.kind === 'text' ? inbound.text : undefined, buttonPayload: inbound.button?.payload ?? inbound.interactive?.id },
    ctx.keywords,
  )
  const state = applyConsent(ctx, contact.id, {
    type: 'reply',
    at: ctx.clock.now(),
    classification,
    evidenceMessageId: messageId ?? inbound.providerId,
    via: inbound.button || inbound.interactive ? 'button' : 'text',
  })
  if (state === 'granted') releaseLane(ctx, contact.id)
  for (const id of openConversationIds(ctx.db, contact.id, 'whatsapp')) ctx.changes.conversation(id)
}

/** A contact's WhatsApp identity, as the audit log keeps it. */
function identity(contact: Contact): Record<string, string | null> {
  return { phone: contact.phone ?? null, waId: contact.waId ?? null, userId: contact.userId ?? null }
}

function receiveSystem(ctx: EngineContext, inbound: InboundMessage, at: number): { mediaMessageId?: string } {
  const system = inbound.system
  const contact = findContactByWhatsApp(ctx.db, { waId: inbound.fromWaId, userId: system?.previousUserId ?? inbound.fromUserId })
  if (!contact || !system) return {}
  const now = ctx.clock.now()
  let text: string | undefined
  if (system.type === 'user_changed_number' && system.newWaId) {
    const phone = `+${system.newWaId}`
    const clash = findContactByPhone(ctx.db, phone)
    updateContactIdentity(ctx.db, contact.id, {
      waId: system.newWaId,
      ...(clash ? {} : { phone }),
      ...(system.userId ? { userId: system.userId } : {}),
      now,
    })
    text = `${contact.name} changed their phone number to ${phone}`
  } else if (system.type === 'user_changed_user_id' && system.userId) {
    updateContactIdentity(ctx.db, contact.id, { userId: system.userId, now })
    text = `${contact.name}'s WhatsApp account changed`
  } else {
    text = system.body ?? `${contact.name}: ${system.type.replace(/_/g, ' ')}`
  }
  // Who the contact is may have changed: the audit row keeps before and after (issue 16).
  const changed = getContact(ctx.db, contact.id)
  appendAudit(ctx.db, {
    at,
    action: `whatsapp.${system.type}`,
    detail: { contactId: contact.id, providerId: inbound.providerId, before: identity(contact), after: changed ? identity(changed) : null },
  })
  const conversations = openConversationIds(ctx.db, contact.id, 'whatsapp')
  for (const conversationId of conversations) addSystemLine(ctx, conversationId, text, { providerId: inbound.providerId })
  // Kept (hidden) so the same webhook delivered twice is recognised.
  if (conversations[0]) {
    insertMessage(ctx.db, {
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
  const updated = getContact(ctx.db, contact.id)
  if (updated) ctx.changes.contact(updated)
  return {}
}

export function receivePreference(ctx: EngineContext, preference: UserPreference): void {
  const contact = findContactByWhatsApp(ctx.db, { waId: preference.waId, userId: preference.userId })
  if (!contact) return
  setMarketingOptOut(ctx.db, contact.id, preference.value === 'stop')
  applyConsent(ctx, contact.id, { type: preference.value === 'stop' ? 'platform_stop' : 'platform_resume', at: preference.timestamp })
}

/** The saved contact for a WhatsApp sender, saved now if they are new (they can always write). */
export function contactForSender(ctx: EngineContext, who: { waId?: string; userId?: string; name?: string }): Contact {
  const now = ctx.clock.now()
  const existing = findContactByWhatsApp(ctx.db, who)
  if (existing) {
    if ((who.userId && existing.userId !== who.userId) || (who.waId && existing.waId !== who.waId)) {
      updateContactIdentity(ctx.db, existing.id, { waId: who.waId, userId: who.userId, now })
      const after = getContact(ctx.db, existing.id)
      appendAudit(ctx.db, {
        at: now,
        action: 'contact.identity_changed',
        detail: { contactId: existing.id, via: 'whatsapp', before: identity(existing), after: after ? identity(after) : null },
      })
    }
    if (existing.notOnWhatsApp) updateContactIdentity(ctx.db, existing.id, { notOnWhatsApp: false, now })
    return getContact(ctx.db, existing.id)!
  }
  const phone = who.waId ? `+${who.waId}` : undefined
  const contact = insertContact(ctx.db, {
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
export function threadFor(ctx: EngineContext, contactId: string, channel: Channel, now: number): string {
  const open = pickReplyThread(replyCandidates(ctx.db, contactId, channel))?.id
  if (open) return open
  const previous = latestConversationId(ctx.db, contactId, channel)
  const id = ctx.newId('v_')
  insertConversation(ctx.db, { id, contactId, channel, now, ...(previous ? { restartedFrom: previous.id } : {}) })
  const formerParticipants = previous ? listParticipants(ctx.db, previous.id, true).map((p) => p.user_id) : []
  const audience = formerParticipants.length ? [...new Set(formerParticipants)] : listOrgUsers(ctx.db).map((u) => u.id)
  for (const userId of audience) addParticipant(ctx.db, id, userId, now)
  appendAudit(ctx.db, { at: now, action: 'conversation.opened_by_contact', conversationId: id, detail: { channel, contactId } })
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
