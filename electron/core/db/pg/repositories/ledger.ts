import type { AuditRow, ConsentEventRow, LedgerTable, LedgerVerdict } from '../../repositories/ledger'
import { chainCheck, rowHash } from '../../repositories/ledger'
import type { PgQueryable } from '../pool'
import { atomically } from './atomic'
import { getState, setState } from './app-state'
import { readableConversationIds } from './readable'

// PostgreSQL twin of ../../repositories/ledger.ts: the same rows and the same hashes (rowHash is
// shared), so a ledger verifies alike on both engines. Appends from several instances are put in
// one order by a transaction-scoped advisory lock per table: each row links to the one before.

const CONTENT_COLUMNS: Record<LedgerTable, string[]> = {
  consents: ['contact_id', 'state', 'event', 'at', 'by_user_id', 'evidence_message_id', 'detail'],
  audit_log: ['at', 'actor_id', 'action', 'conversation_id', 'detail'],
}
const LEDGER_LOCK: Record<LedgerTable, number> = { consents: 7_466_391_845_212_101, audit_log: 7_466_391_845_212_102 }

export async function appendLedgerRow(db: PgQueryable, table: LedgerTable, values: Record<string, unknown>): Promise<number> {
  return atomically(db, async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_LOCK[table]])
    const last = (await q.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1`)).rows[0]
    const seq = (last?.seq ?? 0) + 1
    const prevHash = last?.hash ?? ''
    const row: Record<string, unknown> = { seq }
    for (const column of CONTENT_COLUMNS[table]) row[column] = values[column] ?? null
    const hash = rowHash(table, row, prevHash)
    const columns = ['seq', ...CONTENT_COLUMNS[table], 'prev_hash', 'hash']
    await q.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((c) => (c === 'prev_hash' ? prevHash : c === 'hash' ? hash : row[c])),
    )
    // The head is kept apart from the chain, so deleting the newest rows is detectable too.
    await setState(q, `ledger_head:${table}`, JSON.stringify({ seq, hash }))
    return seq
  })
}

/** Recomputes the chain (the same check as SQLite's); names the first row that no longer fits. */
export async function verifyLedger(db: PgQueryable, table: LedgerTable): Promise<LedgerVerdict> {
  const check = chainCheck(table)
  // In pages by seq, so a long ledger is never held in memory at once.
  for (let after = 0; ;) {
    const page = (await db.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT 5000`, [after])).rows
    if (page.length === 0) break
    for (const row of page) {
      const broken = check.row(row)
      if (broken) return broken
    }
    after = page.at(-1)!.seq as number
  }
  return check.end(await getState(db, `ledger_head:${table}`))
}

export async function appendConsentEvent(
  db: PgQueryable,
  event: { contactId: string; state: string; event: string; at: number; byUserId?: string; evidenceMessageId?: string; detail?: unknown },
): Promise<number> {
  return appendLedgerRow(db, 'consents', {
    contact_id: event.contactId,
    state: event.state,
    event: event.event,
    at: event.at,
    by_user_id: event.byUserId,
    evidence_message_id: event.evidenceMessageId,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
  })
}

export async function consentHistory(db: PgQueryable, contactId: string): Promise<ConsentEventRow[]> {
  const { rows } = await db.query<ConsentEventRow>(
    'SELECT seq, contact_id, state, event, at, by_user_id, evidence_message_id, detail FROM consents WHERE contact_id = $1 ORDER BY seq',
    [contactId],
  )
  return rows
}

export async function appendAudit(
  db: PgQueryable,
  entry: { at: number; actorId?: string; action: string; conversationId?: string; detail?: Record<string, unknown> },
): Promise<number> {
  return appendLedgerRow(db, 'audit_log', {
    at: entry.at,
    actor_id: entry.actorId,
    action: entry.action,
    conversation_id: entry.conversationId,
    detail: JSON.stringify(entry.detail ?? {}),
  })
}

/**
 * Audit rows, newest first: of one conversation, or (without one) what `visibleTo` did plus the
 * rows of every conversation they took part in. Without `visibleTo`, everything (compliance tools).
 */
export async function listAudit(
  db: PgQueryable,
  options: { conversationId?: string; limit?: number; visibleTo?: string } = {},
): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT seq, at, actor_id, action, conversation_id, detail FROM audit_log
     WHERE ($1::text IS NULL OR conversation_id = $1)
       AND ($1::text IS NOT NULL OR $2::text IS NULL OR actor_id = $2 OR conversation_id IN (${readableConversationIds('$2')}))
     ORDER BY seq DESC LIMIT $3`,
    [options.conversationId ?? null, options.visibleTo ?? null, options.limit ?? 200],
  )
  return rows
}

/** Who ran the export written to `folder`, and whether it was everything (org-wide); undefined if none was. */
export async function exportRunOf(db: PgQueryable, folder: string): Promise<{ actorId?: string; everything: boolean } | undefined> {
  const { rows } = await db.query<{ actor_id: string | null; everything: string | null }>(
    `SELECT actor_id, detail::jsonb #>> '{scope,everything}' AS everything FROM audit_log
     WHERE action = 'export.run' AND detail::jsonb ->> 'folder' = $1 ORDER BY seq DESC LIMIT 1`,
    [folder],
  )
  const row = rows[0]
  return row ? { ...(row.actor_id ? { actorId: row.actor_id } : {}), everything: row.everything === 'true' } : undefined
}
