import type { Db } from '../open'
import { statements } from '../statements'

/**
 * SMS consent lives in the same hash-chained `consents` ledger as WhatsApp consent, as rows whose
 * event starts with `sms_` (state `sms_opted_out` or `sms_opted_in`); no separate table to keep
 * in step. The newest such row is the contact's SMS state.
 */
export function latestSmsConsentState(db: Db, contactId: string): string | undefined {
  const row = statements(db)
    .prepare(`SELECT state FROM consents WHERE contact_id = ? AND event LIKE 'sms\\_%' ESCAPE '\\' ORDER BY seq DESC LIMIT 1`)
    .get(contactId) as { state: string } | undefined
  return row?.state
}
