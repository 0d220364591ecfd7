import type { Contact, ImportSummary } from '../../shared/domain'
import { type EngineText, engineText, skippedLine } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import { inTransaction, type EngineContext } from '../context'
import type { ContactDraft } from '../contacts/contact-draft'
import { parseContactsCsv } from '../contacts/import-csv'
import { parseVCards } from '../contacts/import-vcard'
import { normalizePhone } from '../contacts/phone'
import { cancel } from '../outbox/transitions'
import { normalizeLanguage } from '../../shared/language'
import { singleLine } from '../../shared/text'
import { cancelWaiting } from './cancel-waiting'
import { holdLane } from './lanes'
import { addSystemLine } from './system-lines'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Validates a draft; returns the normalized fields or a reason a person can act on. */
function validateDraft(ctx: EngineContext, draft: ContactDraft): { ok: true; fields: ContactDraft } | { ok: false; reason: EngineText } {
  // Names end up on one line in transcripts and archives: control and bidi characters are removed.
  const name = singleLine(draft.name)
  if (!name) return { ok: false, reason: engineText('contact.nameRequired') }
  if (name.length > 200) return { ok: false, reason: engineText('contact.nameTooLong') }
  let phone: string | undefined
  if (draft.phone?.trim()) {
    const result = normalizePhone(draft.phone, ctx.org.defaultRegion)
    if (!result.ok) return { ok: false, reason: result.text }
    phone = result.e164
  }
  const email = draft.email?.trim() || undefined
  if (email && !EMAIL.test(email)) return { ok: false, reason: engineText('contact.notAnEmail', { email: singleLine(email) }) }
  let language: string | undefined
  if (draft.language?.trim()) {
    language = normalizeLanguage(draft.language)
    if (!language)
      return { ok: false, reason: engineText('contact.notALanguage', { language: singleLine(draft.language).trim().slice(0, 40) }) }
  }
  return {
    ok: true,
    fields: { name, phone, company: draft.company ? singleLine(draft.company) || undefined : undefined, email, language },
  }
}

export function listContacts(ctx: EngineContext, query?: string): Promise<Contact[]> {
  return ctx.store.contacts.searchContacts(query)
}

export async function getContactOrFail(ctx: EngineContext, id: string): Promise<Contact> {
  const contact = await ctx.store.contacts.getContact(id)
  if (!contact) throw new ApiFailure('not_found', engineText('contact.notFound'))
  return contact
}

/** What the audit log keeps of a contact: who it is, not the whole record. */
function auditFields(contact: Contact): Record<string, unknown> {
  return {
    name: contact.name,
    phone: contact.phone ?? null,
    company: contact.company ?? null,
    email: contact.email ?? null,
    language: contact.language ?? null,
  }
}

export async function createContact(ctx: EngineContext, actorId: string, draft: ContactDraft & { userId?: string }): Promise<Contact> {
  const { userId, ...rest } = draft
  const valid = validateDraft(ctx, rest)
  if (!valid.ok) throw new ApiFailure('invalid', valid.reason)
  const { fields } = valid
  if (fields.phone) {
    const existing = await ctx.store.contacts.findContactByPhone(fields.phone)
    if (existing)
      throw new ApiFailure('conflict', engineText('contact.phoneTaken', { phone: fields.phone, name: existing.name }), {
        contactId: existing.id,
      })
  }
  // A WhatsApp user who shares no number is one person by their user id.
  const sameUser = userId ? await ctx.store.contacts.findContactByWhatsApp({ userId }) : undefined
  if (sameUser)
    throw new ApiFailure('conflict', engineText('contact.whatsAppUserTaken', { name: sameUser.name }), { contactId: sameUser.id })
  const now = ctx.clock.now()
  const contact = await inTransaction(ctx, async (tx) => {
    const inserted = await tx.store.contacts.insertContact({
      id: ctx.newId('c_'),
      ...fields,
      waId: fields.phone?.slice(1),
      ...(userId ? { userId } : {}),
      now,
    })
    await tx.store.ledger.appendAudit({
      at: now,
      actorId,
      action: 'contact.created',
      detail: { contactId: inserted.id, after: auditFields(inserted) },
    })
    return inserted
  })
  ctx.changes.contact(contact)
  return contact
}

/**
 * Changing a contact's number changes who its WhatsApp threads reach. Only someone taking part
 * in every one of its open WhatsApp threads, or an administrator of the team server, may do that
 * (the org policy's `contacts.numberChanges: "admins"` leaves it to administrators alone); anyone
 * may fix a name or company, or give a number to a contact that had none.
 */
async function requireMayChangeNumber(ctx: EngineContext, actorId: string, before: Contact): Promise<void> {
  if ((await ctx.store.accounts.getAccount(actorId))?.role === 'admin') return
  const contactId = before.id
  if (ctx.org.contacts.numberChanges === 'admins' && before.phone) {
    throw new ApiFailure('forbidden', engineText('contact.numberAdminsOnly'))
  }
  for (const conversationId of await ctx.store.conversations.openConversationIds(contactId, 'whatsapp')) {
    if (!(await ctx.store.conversations.isParticipant(conversationId, actorId)))
      throw new ApiFailure('forbidden', engineText('contact.numberParticipantsOnly'))
  }
}

export async function editContact(ctx: EngineContext, actorId: string, id: string, draft: ContactDraft): Promise<Contact> {
  const before = await getContactOrFail(ctx, id)
  const valid = validateDraft(ctx, draft)
  if (!valid.ok) throw new ApiFailure('invalid', valid.reason)
  const { fields } = valid
  if (fields.phone) {
    const existing = await ctx.store.contacts.findContactByPhone(fields.phone)
    if (existing && existing.id !== id) {
      throw new ApiFailure('conflict', engineText('contact.phoneTaken', { phone: fields.phone, name: existing.name }), {
        contactId: existing.id,
      })
    }
  }
  const numberChanges = (before.phone ?? undefined) !== fields.phone
  if (numberChanges) await requireMayChangeNumber(ctx, actorId, before)
  const now = ctx.clock.now()
  const contact = await inTransaction(ctx, async (tx) => {
    const updated = await tx.store.contacts.updateContact(id, { ...fields, now })
    if (!updated) return undefined
    await tx.store.ledger.appendAudit({
      at: now,
      actorId,
      action: 'contact.updated',
      detail: { contactId: id, before: auditFields(before), after: auditFields(updated) },
    })
    if (before.phone !== updated.phone) {
      await endThreadsForOldNumber(tx, actorId, before, updated, now)
      await forgetWhatsAppUser(tx, actorId, id, now)
    }
    return updated
  })
  if (!contact) throw new ApiFailure('not_found', engineText('contact.notFound'))
  ctx.changes.contact(contact)
  return contact
}

/**
 * Consent and the 24-hour window belong to the person behind a number: after the number changes,
 * the new one has neither, and nothing queued for the old one goes to it without a new opt-in.
 */
async function forgetWhatsAppUser(ctx: EngineContext, actorId: string, contactId: string, now: number): Promise<void> {
  const lane = await ctx.store.outbox.laneRows(contactId)
  if ((await ctx.store.whatsappUsers.getWhatsAppUser(contactId)).consent === 'none' && lane.length === 0) return
  await ctx.store.whatsappUsers.resetWhatsAppUser(contactId, now)
  await ctx.store.ledger.appendConsentEvent({ contactId, state: 'none', event: 'number_changed', at: now, byUserId: actorId })
  for (const row of lane) {
    if (row.kind !== 'template' || row.state === 'leased') continue
    // An opt-in request for the old number is moot; the new number gets its own.
    await cancel(ctx, row.message_id, now)
  }
  await holdLane(ctx, contactId, 'awaiting_consent')
  for (const conversationId of await ctx.store.conversations.openConversationIds(contactId, 'whatsapp'))
    ctx.changes.conversation(conversationId)
}

/**
 * A thread is a conversation with one person. When the number behind it changes, its open
 * WhatsApp threads end (what waits in them is cancelled), so nothing written for the old number
 * can reach whoever holds the new one; a new conversation asks the new number for consent.
 */
async function endThreadsForOldNumber(ctx: EngineContext, actorId: string, before: Contact, after: Contact, now: number): Promise<void> {
  const actor = (await ctx.store.orgUsers.getOrgUser(actorId))?.name ?? 'A colleague'
  const to = after.phone ?? 'no number'
  for (const conversationId of await ctx.store.conversations.openConversationIds(before.id, 'whatsapp')) {
    await cancelWaiting(ctx, conversationId, now)
    await ctx.store.conversations.endConversation(conversationId, now)
    await addSystemLine(
      ctx,
      conversationId,
      `${actor} changed ${after.name}'s number from ${before.phone ?? 'none'} to ${to}. This conversation has ended; start a new one to write to ${to}.`,
      { ended: true, numberChanged: true },
      { code: 'numberChanged', params: { actor, name: after.name, from: before.phone ?? 'none', to } },
    )
    await ctx.store.ledger.appendAudit({
      at: now,
      actorId,
      action: 'conversation.ended',
      conversationId,
      detail: { reason: 'number_changed', contactId: before.id, from: before.phone ?? null, to: after.phone ?? null },
    })
    ctx.changes.conversation(conversationId)
  }
}

export async function removeContact(ctx: EngineContext, actorId: string, id: string): Promise<void> {
  const before = await getContactOrFail(ctx, id)
  const now = ctx.clock.now()
  const removed = await inTransaction(ctx, async (tx) => {
    if (!(await tx.store.contacts.deleteContact(id, now))) return false
    await tx.store.ledger.appendAudit({
      at: now,
      actorId,
      action: 'contact.deleted',
      detail: { contactId: id, before: auditFields(before) },
    })
    return true
  })
  if (!removed) throw new ApiFailure('not_found', engineText('contact.notFound'))
  ctx.events.publishToAll('contacts:removed', { id })
}

/**
 * Imports CSV or vCard text. Good entries are saved even when others are bad; every skipped line
 * is reported with its reason. `onProgress` is called after each batch.
 */
export async function importContacts(
  ctx: EngineContext,
  actorId: string,
  format: 'csv' | 'vcard',
  text: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ImportSummary> {
  const parsed = format === 'csv' ? parseContactsCsv(text) : parseVCards(text)
  const skipped = [...parsed.skipped]
  let imported = 0
  const total = parsed.drafts.length
  const batchSize = 100
  const seenPhones = new Map<string, number>()
  for (let start = 0; start < total; start += batchSize) {
    await inTransaction(ctx, async (tx) => {
      for (const { line, draft } of parsed.drafts.slice(start, start + batchSize)) {
        const valid = validateDraft(ctx, draft)
        if (!valid.ok) {
          skipped.push(skippedLine(line, valid.reason))
          continue
        }
        const phone = valid.fields.phone
        if (phone) {
          const existing = await tx.store.contacts.findContactByPhone(phone)
          if (existing) {
            const earlier = seenPhones.get(phone)
            skipped.push(
              skippedLine(
                line,
                earlier
                  ? engineText('import.duplicate', { line: earlier, phone })
                  : engineText('contact.phoneTaken', { phone, name: existing.name }),
              ),
            )
            continue
          }
          seenPhones.set(phone, line)
        }
        const now = ctx.clock.now()
        const contact = await tx.store.contacts.insertContact({ id: ctx.newId('c_'), ...valid.fields, waId: phone?.slice(1), now })
        await tx.store.ledger.appendAudit({
          at: now,
          actorId,
          action: 'contact.created',
          detail: { contactId: contact.id, after: auditFields(contact), via: `import:${format}`, line },
        })
        ctx.changes.contact(contact)
        imported++
      }
    })
    onProgress?.(Math.min(start + batchSize, total), total)
    // Let progress events and other requests through between batches.
    await new Promise((resolve) => setImmediate(resolve))
  }
  skipped.sort((a, b) => a.line - b.line)
  return { imported, skipped }
}
