import type { Db } from '../open'
import { statements } from '../statements'

/** A business number the outbox paused because WhatsApp refused the whole number or account. */
export interface AccountPauseRow {
  phone_number_id: string
  code: number | null
  reason: string
  since: number
}

export function getAccountPause(db: Db, phoneNumberId: string): AccountPauseRow | undefined {
  return statements(db).prepare('SELECT * FROM account_health WHERE phone_number_id = ?').get(phoneNumberId) as AccountPauseRow | undefined
}

/** Records the pause; a later refusal keeps the first `since` but takes the newest code and reason. */
export function saveAccountPause(db: Db, pause: { phoneNumberId: string; code?: number; reason: string; since: number }): void {
  statements(db)
    .prepare(
      `INSERT INTO account_health (phone_number_id, code, reason, since) VALUES (@phoneNumberId, @code, @reason, @since)
       ON CONFLICT(phone_number_id) DO UPDATE SET code = excluded.code, reason = excluded.reason`,
    )
    .run({ ...pause, code: pause.code ?? null })
}

export function clearAccountPause(db: Db, phoneNumberId: string): boolean {
  return statements(db).prepare('DELETE FROM account_health WHERE phone_number_id = ?').run(phoneNumberId).changes > 0
}

/** WhatsApp rows (not SMS) that are waiting and not on their way: the ones an account pause holds. */
export function whatsAppRowsToHold(db: Db): Array<{ message_id: string }> {
  return statements(db).prepare(`SELECT message_id FROM outbox WHERE kind != 'sms' AND state = 'ready' ORDER BY lane, seq`).all() as Array<{
    message_id: string
  }>
}

/** Rows held only because the account was paused, in lane order. */
export function rowsHeldForAccount(db: Db): Array<{ message_id: string }> {
  return statements(db)
    .prepare(
      `SELECT o.message_id FROM outbox o JOIN messages m ON m.id = o.message_id
       WHERE o.state = 'held' AND m.hold_reason = 'account_paused' ORDER BY o.lane, o.seq`,
    )
    .all() as Array<{ message_id: string }>
}

/** The attempt that met an account-wide refusal does not count: the message never burns its retries on it. */
export function giveBackAttempt(db: Db, messageId: string): void {
  statements(db).prepare('UPDATE outbox SET attempts = max(0, attempts - 1) WHERE message_id = ?').run(messageId)
}
