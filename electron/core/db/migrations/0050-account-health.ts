import type { Migration } from '../migration'

// Written out as of this migration (history never changes; see 0020).
const HOLD_REASONS = ['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp', 'account_paused']

/**
 * Account health: when WhatsApp refuses the whole number or account (368 policy restriction,
 * 131031 lock, 190 expired token, 131042 payment, …) the outbox pauses for that number and its
 * messages wait as `held` with the new reason `account_paused`, instead of failing one by one.
 * The pause is kept in `account_health` so a restart neither forgets it nor resends into it.
 */
export const migration0050: Migration = {
  version: 50,
  name: 'account-health',
  up: (db) => {
    const list = HOLD_REASONS.map((v) => `'${v}'`).join(',')
    for (const event of ['insert', 'update'] as const) {
      db.exec(`
        DROP TRIGGER messages_hold_reason_check_${event};
        CREATE TRIGGER messages_hold_reason_check_${event}
        BEFORE ${event === 'insert' ? 'INSERT' : 'UPDATE OF hold_reason'} ON messages
        WHEN NOT (NEW.hold_reason IS NULL OR NEW.hold_reason IN (${list}))
        BEGIN
          SELECT RAISE(ABORT, 'invalid messages.hold_reason');
        END;`)
    }
    db.exec(`
      CREATE TABLE account_health (
        phone_number_id TEXT PRIMARY KEY,
        code INTEGER,
        reason TEXT NOT NULL,
        since INTEGER NOT NULL
      );
    `)
  },
}
