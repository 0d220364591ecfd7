import type { Migration } from '../migration'

// The values as of this migration, written out: a migration is history and must create the same
// schema whatever the code around it becomes. tests/core/db/enum-guards.test.ts checks that these
// triggers accept exactly the `as const` arrays of shared/domain and outbox, so adding a value
// there fails that test until a later migration replaces the trigger.
const GUARDS: Array<{ table: string; column: string; values: readonly string[]; nullable?: boolean }> = [
  {
    table: 'messages',
    column: 'status',
    values: ['held', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'received'],
  },
  {
    table: 'messages',
    column: 'hold_reason',
    values: ['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp'],
    nullable: true,
  },
  {
    table: 'messages',
    column: 'kind',
    values: [
      'text',
      'image',
      'video',
      'audio',
      'document',
      'sticker',
      'location',
      'contacts',
      'button',
      'interactive',
      'reaction',
      'template',
      'voicemail',
      'system',
      'unsupported',
    ],
  },
  { table: 'messages', column: 'media_state', values: ['ready', 'downloading', 'failed'], nullable: true },
  { table: 'outbox', column: 'kind', values: ['text', 'image', 'template', 'sms'] },
]

function guard(g: (typeof GUARDS)[number], event: 'INSERT' | 'UPDATE'): string {
  const list = g.values.map((v) => `'${v}'`).join(',')
  const valid = g.nullable ? `NEW.${g.column} IS NULL OR NEW.${g.column} IN (${list})` : `NEW.${g.column} IN (${list})`
  return `
    CREATE TRIGGER ${g.table}_${g.column}_check_${event.toLowerCase()}
    BEFORE ${event === 'INSERT' ? 'INSERT' : `UPDATE OF ${g.column}`} ON ${g.table}
    WHEN NOT (${valid})
    BEGIN
      SELECT RAISE(ABORT, 'invalid ${g.table}.${g.column}');
    END;`
}

/**
 * CHECKs for the persisted enums that 0010 left as free text. SQLite cannot add a CHECK without
 * rebuilding the table, and `messages` is the biggest table (with FTS triggers and indexes), so
 * the same rule is enforced by BEFORE INSERT/UPDATE triggers that abort the statement. Rows
 * already stored are left as they are (every writer was typed with these sets); only new writes
 * are checked, so an existing install never fails to open over this migration.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'enum-guards',
  up: (db) => {
    for (const g of GUARDS) {
      db.exec(guard(g, 'INSERT') + guard(g, 'UPDATE'))
    }
  },
}
