import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/sms-consent.ts: the newest `sms_…` row of the consent ledger.

export async function latestSmsConsentState(db: PgQueryable, contactId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ state: string }>(
    `SELECT state FROM consents WHERE contact_id = $1 AND event LIKE 'sms\\_%' ORDER BY seq DESC LIMIT 1`,
    [contactId],
  )
  return rows[0]?.state
}
