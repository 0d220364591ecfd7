import type { ConsentState } from '../../../shared/domain'
import type { Db } from '../open'
import { statements } from '../statements'

export interface WhatsAppUserRow {
  contact_id: string
  consent: ConsentState
  consent_updated_at: number | null
  last_requested_at: number | null
  last_inbound_at: number | null
  marketing_opt_out: number
}

/** A contact with no row yet: no consent, no window, no request. */
export const NEW_WHATSAPP_USER = (contactId: string): WhatsAppUserRow => ({
  contact_id: contactId,
  consent: 'none',
  consent_updated_at: null,
  last_requested_at: null,
  last_inbound_at: null,
  marketing_opt_out: 0,
})

export function getWhatsAppUser(db: Db, contactId: string): WhatsAppUserRow {
  const row = statements(db).prepare('SELECT * FROM whatsapp_users WHERE contact_id = ?').get(contactId) as WhatsAppUserRow | undefined
  return row ?? NEW_WHATSAPP_USER(contactId)
}

export function saveConsent(
  db: Db,
  contactId: string,
  consent: { state: ConsentState; updatedAt?: number; lastRequestedAt?: number },
): void {
  statements(db)
    .prepare(
      `INSERT INTO whatsapp_users (contact_id, consent, consent_updated_at, last_requested_at) VALUES (@contactId, @state, @updatedAt, @lastRequestedAt)
     ON CONFLICT(contact_id) DO UPDATE SET consent = excluded.consent, consent_updated_at = excluded.consent_updated_at,
       last_requested_at = COALESCE(excluded.last_requested_at, whatsapp_users.last_requested_at)`,
    )
    .run({ contactId, state: consent.state, updatedAt: consent.updatedAt ?? null, lastRequestedAt: consent.lastRequestedAt ?? null })
}

/** Only the WhatsApp user's own messages open or refresh the 24-hour window; never moves back. */
export function recordInbound(db: Db, contactId: string, at: number): void {
  statements(db)
    .prepare(
      `INSERT INTO whatsapp_users (contact_id, last_inbound_at) VALUES (?, ?)
     ON CONFLICT(contact_id) DO UPDATE SET last_inbound_at = max(COALESCE(whatsapp_users.last_inbound_at, 0), excluded.last_inbound_at)`,
    )
    .run(contactId, at)
}

export function setMarketingOptOut(db: Db, contactId: string, optedOut: boolean): void {
  statements(db)
    .prepare(
      `INSERT INTO whatsapp_users (contact_id, marketing_opt_out) VALUES (?, ?)
     ON CONFLICT(contact_id) DO UPDATE SET marketing_opt_out = excluded.marketing_opt_out`,
    )
    .run(contactId, optedOut ? 1 : 0)
}

/** A new number is a new WhatsApp user: no consent, no window, no pending request. */
export function resetWhatsAppUser(db: Db, contactId: string, now: number): void {
  statements(db)
    .prepare(
      `UPDATE whatsapp_users SET consent = 'none', consent_updated_at = ?, last_requested_at = NULL, last_inbound_at = NULL, marketing_opt_out = 0
     WHERE contact_id = ?`,
    )
    .run(now, contactId)
}
