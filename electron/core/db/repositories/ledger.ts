import type { AuditEntry } from '../../../shared/api/contract'
import { createHash } from 'node:crypto'
import type { Db } from '../open'
import { statements } from '../statements'
import { getState, setState } from './app-state'
import { readableBy } from './conversations'

/**
 * The two append-only, hash-chained tables: `consents` and `audit_log`. Each row's hash covers
 * its content and the previous row's hash, so editing, deleting or reordering rows is detectable.
 */
export type LedgerTable = 'consents' | 'audit_log'

const CONTENT_COLUMNS: Record<LedgerTable, string[]> = {
  consents: ['contact_id', 'state', 'event', 'at', 'by_user_id', 'evidence_message_id', 'detail'],
  audit_log: ['at', 'actor_id', 'action', 'conversation_id', 'detail'],
}

export function rowHash(table: LedgerTable, row: Record<string, unknown>, prevHash: string): string {
  const content = CONTENT_COLUMNS[table].map((c) => row[c] ?? null)
  return createHash('sha256')
    .update(JSON.stringify([row.seq, prevHash, ...content]))
    .digest('hex')
}

export function appendLedgerRow(db: Db, table: LedgerTable, values: Record<string, unknown>): number {
  const last = statements(db).prepare(`SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1`).get() as
    { seq: number; hash: string } | undefined
  const seq = (last?.seq ?? 0) + 1
  const prevHash = last?.hash ?? ''
  const row: Record<string, unknown> = { seq }
  for (const column of CONTENT_COLUMNS[table]) row[column] = values[column] ?? null
  const hash = rowHash(table, row, prevHash)
  const columns = ['seq', ...CONTENT_COLUMNS[table], 'prev_hash', 'hash']
  statements(db)
    .prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)
    .run(...columns.map((c) => (c === 'prev_hash' ? prevHash : c === 'hash' ? hash : row[c])))
  // The head is kept apart from the chain, so deleting the newest rows is detectable too.
  setState(db, `ledger_head:${table}`, JSON.stringify({ seq, hash }))
  return seq
}

export type LedgerVerdict = { ok: true; rows: number } | { ok: false; rows: number; brokenSeq: number; reason: string }

/**
 * Checks a ledger's rows fed in seq order, then its recorded head: `row` answers the verdict at the
 * first row whose content, link or position no longer fits; `end` the final one. Both engines'
 * `verifyLedger` feed it (SQLite iterating, PostgreSQL by pages), so the rule is written once.
 */
export function chainCheck(table: LedgerTable) {
  let prevHash = ''
  let expectedSeq = 1
  let rows = 0
  return {
    row(row: Record<string, unknown>): LedgerVerdict | undefined {
      rows++
      const seq = row.seq as number
      if (seq !== expectedSeq) return { ok: false, rows, brokenSeq: seq, reason: `row ${expectedSeq} is missing` }
      if (row.prev_hash !== prevHash) return { ok: false, rows, brokenSeq: seq, reason: 'the link to the previous row is broken' }
      if (rowHash(table, row, prevHash) !== row.hash) return { ok: false, rows, brokenSeq: seq, reason: 'the row was changed' }
      prevHash = row.hash
      expectedSeq++
      return undefined
    },
    end(head: string | undefined): LedgerVerdict {
      if (head) {
        const { seq, hash } = JSON.parse(head) as { seq: number; hash: string }
        if (seq !== expectedSeq - 1 || hash !== prevHash) {
          return {
            ok: false,
            rows,
            brokenSeq: Math.min(seq, expectedSeq),
            reason: `the newest rows are missing (the ledger ended at row ${seq})`,
          }
        }
      } else if (rows > 0) {
        return { ok: false, rows, brokenSeq: expectedSeq - 1, reason: 'the record of the newest row is missing' }
      }
      return { ok: true, rows }
    },
  }
}

/** Recomputes the chain; names the first row whose content, link or position no longer fits. */
export function verifyLedger(db: Db, table: LedgerTable): LedgerVerdict {
  const check = chainCheck(table)
  for (const row of statements(db).prepare(`SELECT * FROM ${table} ORDER BY seq`).iterate() as Iterable<Record<string, unknown>>) {
    const broken = check.row(row)
    if (broken) return broken
  }
  return check.end(getState(db, `ledger_head:${table}`))
}

export interface ConsentEventRow {
  seq: number
  contact_id: string
  state: string
  event: string
  at: number
  by_user_id: string | null
  evidence_message_id: string | null
  detail: string | null
}

export function appendConsentEvent(
  db: Db,
  event: { contactId: string; state: string; event: string; at: number; byUserId?: string; evidenceMessageId?: string; detail?: unknown },
): number {
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

export function consentHistory(db: Db, contactId: string): ConsentEventRow[] {
  return statements(db)
    .prepare(
      'SELECT seq, contact_id, state, event, at, by_user_id, evidence_message_id, detail FROM consents WHERE contact_id = ? ORDER BY seq',
    )
    .all(contactId) as ConsentEventRow[]
}

export interface AuditRow {
  seq: number
  at: number
  actor_id: string | null
  action: string
  conversation_id: string | null
  detail: string
}

export function appendAudit(
  db: Db,
  entry: { at: number; actorId?: string; action: string; conversationId?: string; detail?: Record<string, unknown> },
): number {
  return appendLedgerRow(db, 'audit_log', {
    at: entry.at,
    actor_id: entry.actorId,
    action: entry.action,
    conversation_id: entry.conversationId,
    detail: JSON.stringify(entry.detail ?? {}),
  })
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.seq),
    at: row.at,
    ...(row.actor_id ? { actorId: row.actor_id } : {}),
    action: row.action,
    ...(row.conversation_id ? { conversationId: row.conversation_id } : {}),
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }
}

/**
 * Audit rows, newest first: of one conversation, or (without one) what `visibleTo` did plus the
 * rows of every conversation they took part in. Without `visibleTo`, everything (compliance tools).
 */
export function listAudit(db: Db, options: { conversationId?: string; limit?: number; visibleTo?: string } = {}): AuditRow[] {
  return statements(db)
    .prepare(
      `SELECT seq, at, actor_id, action, conversation_id, detail FROM audit_log
       WHERE (@conversationId IS NULL OR conversation_id = @conversationId)
         AND (@conversationId IS NOT NULL OR @userId IS NULL OR actor_id = @userId
              OR conversation_id IN (SELECT c.id FROM conversations c WHERE ${readableBy('c.id', 'c.ended_at')}))
       ORDER BY seq DESC LIMIT @limit`,
    )
    .all({ conversationId: options.conversationId ?? null, userId: options.visibleTo ?? null, limit: options.limit ?? 200 }) as AuditRow[]
}

/** Who ran the export written to `folder`, and whether it was everything (org-wide); undefined if none was. */
export function exportRunOf(db: Db, folder: string): { actorId?: string; everything: boolean } | undefined {
  const row = statements(db)
    .prepare(
      `SELECT actor_id, json_extract(detail, '$.scope.everything') AS everything FROM audit_log
       WHERE action = 'export.run' AND json_extract(detail, '$.folder') = ? ORDER BY seq DESC LIMIT 1`,
    )
    .get(folder) as { actor_id: string | null; everything: number | null } | undefined
  return row ? { ...(row.actor_id ? { actorId: row.actor_id } : {}), everything: row.everything === 1 } : undefined
}
