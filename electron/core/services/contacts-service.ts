import type { Contact, ImportSummary } from '../../shared/domain'
import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import type { ContactDraft } from '../contacts/contact-draft'
import { parseContactsCsv } from '../contacts/import-csv'
import { parseVCards } from '../contacts/import-vcard'
import { normalizePhone } from '../contacts/phone'
import {
  deleteContact,
  findContactByPhone,
  getContact,
  insertContact,
  searchContacts,
  updateContact,
} from '../db/repositories/contacts'
import { openConversationIds } from '../db/repositories/conversations'
import { appendConsentEvent } from '../db/repositories/ledger'
import { updateMessage } from '../db/repositories/messages'
import * as outbox from '../db/repositories/outbox'
import { getWhatsAppUser, resetWhatsAppUser } from '../db/repositories/whatsapp-users'
import { holdLane } from './lanes'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Validates a draft; returns the normalized fields or a reason a person can act on. */
function validateDraft(ctx: EngineContext, draft: ContactDraft): { ok: true; fields: ContactDraft } | { ok: false; reason: string } {
  const name = draft.name.trim()
  if (!name) return { ok: false, reason: 'A name is required' }
  if (name.length > 200) return { ok: false, reason: 'The name is longer than 200 characters' }
  let phone: string | undefined
  if (draft.phone?.trim()) {
    const result = normalizePhone(draft.phone, ctx.org.defaultRegion)
    if (!result.ok) return { ok: false, reason: result.reason }
    phone = result.e164
  }
  const email = draft.email?.trim() || undefined
  if (email && !EMAIL.test(email)) return { ok: false, reason: `"${email}" is not an email address` }
  return { ok: true, fields: { name, phone, company: draft.company?.trim() || undefined, email } }
}

export function listContacts(ctx: EngineContext, query?: string): Contact[] {
  return searchContacts(ctx.db, query)
}

export function getContactOrFail(ctx: EngineContext, id: string): Contact {
  const contact = getContact(ctx.db, id)
  if (!contact) throw new ApiFailure('not_found', 'This contact does not exist (it may have been deleted)')
  return contact
}

export function createContact(ctx: EngineContext, draft: ContactDraft): Contact {
  const valid = validateDraft(ctx, draft)
  if (!valid.ok) throw new ApiFailure('invalid', valid.reason)
  const { fields } = valid
  if (fields.phone) {
    const existing = findContactByPhone(ctx.db, fields.phone)
    if (existing) throw new ApiFailure('conflict', `${fields.phone} is already saved as ${existing.name}`, { contactId: existing.id })
  }
  const contact = insertContact(ctx.db, {
    id: ctx.newId('c_'),
    ...fields,
    waId: fields.phone?.slice(1),
    now: ctx.clock.now(),
  })
  ctx.changes.contact(contact)
  return contact
}

export function editContact(ctx: EngineContext, id: string, draft: ContactDraft): Contact {
  const before = getContactOrFail(ctx, id)
  const valid = validateDraft(ctx, draft)
  if (!valid.ok) throw new ApiFailure('invalid', valid.reason)
  const { fields } = valid
  if (fields.phone) {
    const existing = findContactByPhone(ctx.db, fields.phone)
    if (existing && existing.id !== id) {
      throw new ApiFailure('conflict', `${fields.phone} is already saved as ${existing.name}`, { contactId: existing.id })
    }
  }
  const now = ctx.clock.now()
  const contact = ctx.db.transaction(() => {
    const updated = updateContact(ctx.db, id, { ...fields, now })
    if (updated && before.phone !== updated.phone) forgetWhatsAppUser(ctx, id, now)
    return updated
  })()
  if (!contact) throw new ApiFailure('not_found', 'This contact does not exist (it may have been deleted)')
  ctx.changes.contact(contact)
  return contact
}

/**
 * Consent and the 24-hour window belong to the person behind a number: after the number changes,
 * the new one has neither, and nothing queued for the old one goes to it without a new opt-in.
 */
function forgetWhatsAppUser(ctx: EngineContext, contactId: string, now: number): void {
  if (getWhatsAppUser(ctx.db, contactId).consent === 'none' && outbox.laneRows(ctx.db, contactId).length === 0) return
  resetWhatsAppUser(ctx.db, contactId, now)
  appendConsentEvent(ctx.db, { contactId, state: 'none', event: 'number_changed', at: now })
  for (const row of outbox.laneRows(ctx.db, contactId)) {
    if (row.kind !== 'template' || row.state === 'leased') continue
    // An opt-in request for the old number is moot; the new number gets its own.
    outbox.removeFromOutbox(ctx.db, row.message_id)
    updateMessage(ctx.db, row.message_id, { status: 'cancelled', now })
    ctx.changes.message(row.message_id)
  }
  holdLane(ctx, contactId, 'awaiting_consent')
  for (const conversationId of openConversationIds(ctx.db, contactId, 'whatsapp')) ctx.changes.conversation(conversationId)
}

export function removeContact(ctx: EngineContext, id: string): void {
  if (!deleteContact(ctx.db, id, ctx.clock.now())) throw new ApiFailure('not_found', 'This contact does not exist (it may have been deleted)')
  ctx.events.publishToAll('contacts:removed', { id })
}

/**
 * Imports CSV or vCard text. Good entries are saved even when others are bad; every skipped line
 * is reported with its reason. `onProgress` is called after each batch.
 */
export async function importContacts(
  ctx: EngineContext,
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
    ctx.db.transaction(() => {
      for (const { line, draft } of parsed.drafts.slice(start, start + batchSize)) {
        const valid = validateDraft(ctx, draft)
        if (!valid.ok) {
          skipped.push({ line, reason: valid.reason })
          continue
        }
        const phone = valid.fields.phone
        if (phone) {
          const existing = findContactByPhone(ctx.db, phone)
          if (existing) {
            const earlier = seenPhones.get(phone)
            skipped.push({ line, reason: earlier ? `Duplicate of line ${earlier} (${phone})` : `${phone} is already saved as ${existing.name}` })
            continue
          }
          seenPhones.set(phone, line)
        }
        const contact = insertContact(ctx.db, { id: ctx.newId('c_'), ...valid.fields, waId: phone?.slice(1), now: ctx.clock.now() })
        ctx.changes.contact(contact)
        imported++
      }
    })()
    onProgress?.(Math.min(start + batchSize, total), total)
    // Let progress events and other requests through between batches.
    await new Promise((resolve) => setImmediate(resolve))
  }
  skipped.sort((a, b) => a.line - b.line)
  return { imported, skipped }
}
