import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { Channel, Conversation } from '../../shared/domain'
import type { EngineContext } from '../context'
import { getContact } from '../db/repositories/contacts'
import {
  addParticipant,
  decodeConversationCursor,
  endedConversationIdsFor,
  getConversationRow,
  insertConversation,
  listConversationRows,
  markReadFor,
} from '../db/repositories/conversations'
import { appendAudit } from '../db/repositories/ledger'
import { canRequestConsent } from '../policy/consent'
import { requireParticipant, requireReader } from './access'
import { consentSnapshot, requestConsent, requestConsentIfUsable } from './consent-service'
import { conversationFor, toConversation, toConversations } from './views'

export function listConversations(
  ctx: EngineContext,
  userId: string,
  filter: { channel?: Channel; unread?: boolean; contactId?: string; cursor?: string; limit?: number },
): Conversation[] {
  const now = ctx.clock.now()
  const cursor = filter.cursor === undefined ? undefined : decodeConversationCursor(filter.cursor)
  if (filter.cursor !== undefined && !cursor) throw new ApiFailure('invalid', engineText('request.badCursor'))
  const current = toConversations(ctx.db, listConversationRows(ctx.db, userId, { ...filter, cursor }), now)
  if (!filter.contactId || cursor) return current
  // A contact's History also shows the ended threads the user took part in, read-only.
  const shown = new Set(current.map((c) => c.id))
  const ended = endedConversationIdsFor(ctx.db, userId, filter.contactId)
    .filter((id) => !shown.has(id))
    .flatMap((id) => conversationFor(ctx.db, id, userId, now) ?? [])
    .filter((c) => !filter.channel || c.channel === filter.channel)
  return [...current, ...ended].sort((a, b) => b.lastActivityAt - a.lastActivityAt)
}

export function getConversation(ctx: EngineContext, userId: string, id: string): Conversation {
  requireReader(ctx, id, userId)
  return conversationFor(ctx.db, id, userId, ctx.clock.now())!
}

/**
 * Opens the user's thread with a contact on a channel: the newest open one they take part in, or a
 * new one (`newThread`, or none open). A WhatsApp start without consent sends the opt-in request
 * unless `requestConsent` is false (the composer then asks before the first message).
 */
export function startConversation(
  ctx: EngineContext,
  userId: string,
  input: { contactId: string; channel: Channel; newThread?: boolean; requestConsent?: boolean },
): Conversation {
  const contact = getContact(ctx.db, input.contactId)
  if (!contact) throw new ApiFailure('not_found', engineText('contact.saveFirst'))
  if (input.channel === 'whatsapp') {
    if (!ctx.org.whatsapp.enabled) throw new ApiFailure('unavailable', engineText('whatsapp.disabled'))
    if (!contact.phone && !contact.userId) throw new ApiFailure('invalid', engineText('contact.noWhatsAppNumber', { name: contact.name }))
  } else if (!contact.phone) {
    throw new ApiFailure('invalid', engineText('contact.noNumber', { name: contact.name }))
  }
  const now = ctx.clock.now()
  return ctx.db.transaction(() => {
    if (!input.newThread) {
      const existing = listConversationRows(ctx.db, userId, { contactId: contact.id, channel: input.channel }).find(
        (row) => row.ended_at === null,
      )
      if (existing) return toConversation(ctx.db, existing, now)
    }
    const id = ctx.newId('v_')
    insertConversation(ctx.db, { id, contactId: contact.id, channel: input.channel, now })
    addParticipant(ctx.db, id, userId, now)
    appendAudit(ctx.db, {
      at: now,
      actorId: userId,
      action: 'conversation.started',
      conversationId: id,
      detail: { channel: input.channel, contactId: contact.id },
    })
    if (input.channel === 'whatsapp' && input.requestConsent !== false && canRequestConsent(consentSnapshot(ctx, contact.id), now).ok) {
      requestConsentIfUsable(ctx, id, contact.id, userId)
    }
    ctx.changes.conversation(id)
    return toConversation(ctx.db, getConversationRow(ctx.db, id, userId)!, now)
  })()
}

export function requestConsentFor(ctx: EngineContext, userId: string, id: string): Conversation {
  const conversation = requireParticipant(ctx, id, userId)
  if (conversation.channel !== 'whatsapp') throw new ApiFailure('invalid', engineText('consent.whatsAppOnly'))
  ctx.db.transaction(() => requestConsent(ctx, id, conversation.contactId, userId))()
  ctx.changes.conversation(id)
  return conversationFor(ctx.db, id, userId, ctx.clock.now())!
}

/** Clears the user's unread count; the caller sends the WhatsApp read receipt. */
export function markConversationRead(ctx: EngineContext, userId: string, id: string): boolean {
  requireParticipant(ctx, id, userId)
  const changed = markReadFor(ctx.db, id, userId, ctx.clock.now())
  if (changed) ctx.changes.conversation(id)
  return changed
}
