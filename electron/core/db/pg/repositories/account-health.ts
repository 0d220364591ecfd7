import type { AccountPauseRow } from '../../repositories/account-health'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/account-health.ts (lanes in code-point order, as SQLite).

export async function getAccountPause(db: PgQueryable, phoneNumberId: string): Promise<AccountPauseRow | undefined> {
  return (await db.query<AccountPauseRow>('SELECT * FROM account_health WHERE phone_number_id = $1', [phoneNumberId])).rows[0]
}

/** Records the pause; a later refusal keeps the first `since` but takes the newest code and reason. */
export async function saveAccountPause(
  db: PgQueryable,
  pause: { phoneNumberId: string; code?: number; reason: string; since: number },
): Promise<void> {
  await db.query(
    `INSERT INTO account_health (phone_number_id, code, reason, since) VALUES ($1, $2, $3, $4)
     ON CONFLICT (phone_number_id) DO UPDATE SET code = excluded.code, reason = excluded.reason`,
    [pause.phoneNumberId, pause.code ?? null, pause.reason, pause.since],
  )
}

export async function clearAccountPause(db: PgQueryable, phoneNumberId: string): Promise<boolean> {
  return ((await db.query('DELETE FROM account_health WHERE phone_number_id = $1', [phoneNumberId])).rowCount ?? 0) > 0
}

/** WhatsApp rows (not SMS) that are waiting and not on their way: the ones an account pause holds. */
export async function whatsAppRowsToHold(db: PgQueryable): Promise<Array<{ message_id: string }>> {
  return (
    await db.query<{ message_id: string }>(
      `SELECT message_id FROM outbox WHERE kind <> 'sms' AND state = 'ready' ORDER BY lane COLLATE "C", seq`,
    )
  ).rows
}

/** Rows held only because the account was paused, in lane order. */
export async function rowsHeldForAccount(db: PgQueryable): Promise<Array<{ message_id: string }>> {
  const { rows } = await db.query<{ message_id: string }>(
    `SELECT o.message_id FROM outbox o JOIN messages m ON m.id = o.message_id
     WHERE o.state = 'held' AND m.hold_reason = 'account_paused' ORDER BY o.lane COLLATE "C", o.seq`,
  )
  return rows
}

/** The attempt that met an account-wide refusal does not count: the message never burns its retries on it. */
export async function giveBackAttempt(db: PgQueryable, messageId: string): Promise<void> {
  await db.query('UPDATE outbox SET attempts = GREATEST(0, attempts - 1) WHERE message_id = $1', [messageId])
}
