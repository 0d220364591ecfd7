import type { ConsentState } from '../../../../shared/domain'
import { NEW_WHATSAPP_USER, type WhatsAppUserRow } from '../../repositories/whatsapp-users'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/whatsapp-users.ts.

export async function getWhatsAppUser(db: PgQueryable, contactId: string): Promise<WhatsAppUserRow> {
  const row = (await db.query<WhatsAppUserRow>('SELECT * FROM whatsapp_users WHERE contact_id = $1', [contactId])).rows[0]
  return row ?? NEW_WHATSAPP_USER(contactId)
}

export async function saveConsent(
  db: PgQueryable,
  contactId: string,
  consent: { state: ConsentState; updatedAt?: number; lastRequestedAt?: number },
): Promise<void> {
  await db.query(
    `INSERT INTO whatsapp_users (contact_id, consent, consent_updated_at, last_requested_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (contact_id) DO UPDATE SET consent = excluded.consent, consent_updated_at = excluded.consent_updated_at,
       last_requested_at = COALESCE(excluded.last_requested_at, whatsapp_users.last_requested_at)`,
    [contactId, consent.state, consent.updatedAt ?? null, consent.lastRequestedAt ?? null],
  )
}

/** Only the WhatsApp user's own messages open or refresh the 24-hour window; never moves back. */
export async function recordInbound(db: PgQueryable, contactId: string, at: number): Promise<void> {
  await db.query(
    `INSERT INTO whatsapp_users (contact_id, last_inbound_at) VALUES ($1, $2)
     ON CONFLICT (contact_id) DO UPDATE SET last_inbound_at = GREATEST(COALESCE(whatsapp_users.last_inbound_at, 0), excluded.last_inbound_at)`,
    [contactId, at],
  )
}

export async function setMarketingOptOut(db: PgQueryable, contactId: string, optedOut: boolean): Promise<void> {
  await db.query(
    `INSERT INTO whatsapp_users (contact_id, marketing_opt_out) VALUES ($1, $2)
     ON CONFLICT (contact_id) DO UPDATE SET marketing_opt_out = excluded.marketing_opt_out`,
    [contactId, optedOut ? 1 : 0],
  )
}

/** A new number is a new WhatsApp user: no consent, no window, no pending request. */
export async function resetWhatsAppUser(db: PgQueryable, contactId: string, now: number): Promise<void> {
  await db.query(
    `UPDATE whatsapp_users SET consent = 'none', consent_updated_at = $1, last_requested_at = NULL, last_inbound_at = NULL, marketing_opt_out = 0
     WHERE contact_id = $2`,
    [now, contactId],
  )
}
