import type { Db } from '../open'
import { statements } from '../statements'

/** What an outbox row sends; each kind has its send job in outbox/jobs. Checked by migration 0020. */
export const OUTBOX_KINDS = ['text', 'image', 'template', 'sms'] as const
export type OutboxKind = (typeof OUTBOX_KINDS)[number]

/** held: waits for a release; ready: due at `due_at`; leased: a send is under way (or unreconciled). */
export const OUTBOX_STATES = ['held', 'ready', 'leased'] as const
export type OutboxState = (typeof OUTBOX_STATES)[number]

export interface OutboxRow {
  message_id: string
  lane: string
  seq: number
  kind: OutboxKind
  state: OutboxState
  due_at: number
  attempts: number
  lease_until: number | null
  last_error: string | null
}

export function enqueue(
  db: Db,
  row: { messageId: string; lane: string; seq: number; kind: OutboxKind; state: Exclude<OutboxState, 'leased'>; dueAt: number },
): void {
  statements(db)
    .prepare(`INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES (@messageId, @lane, @seq, @kind, @state, @dueAt)`)
    .run(row)
}

export function getOutboxRow(db: Db, messageId: string): OutboxRow | undefined {
  return statements(db).prepare('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as OutboxRow | undefined
}

/** Every row that may be sent or must wait, in lane order; held templates never block anyone. */
export function dispatchCandidates(db: Db): OutboxRow[] {
  return statements(db).prepare(`SELECT * FROM outbox WHERE state != 'held' OR kind != 'template' ORDER BY lane, seq`).all() as OutboxRow[]
}

/** Messages of one conversation still waiting to be sent (not already on their way). */
export function waitingMessageIds(db: Db, conversationId: string): string[] {
  return (
    statements(db)
      .prepare(
        `SELECT o.message_id FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.conversation_id = ? AND o.state != 'leased'`,
      )
      .all(conversationId) as Array<{ message_id: string }>
  ).map((r) => r.message_id)
}

/** After a send's outcome turned out unknown: keep the lease until `until` (status webhooks may reconcile it). */
export function keepLeased(db: Db, messageId: string, until: number, lastError: string): void {
  statements(db)
    .prepare(`UPDATE outbox SET state = 'leased', lease_until = ?, last_error = ? WHERE message_id = ?`)
    .run(until, lastError, messageId)
}

export function laneRows(db: Db, lane: string): OutboxRow[] {
  return statements(db).prepare('SELECT * FROM outbox WHERE lane = ? ORDER BY seq').all(lane) as OutboxRow[]
}

export function lease(db: Db, messageId: string, leaseUntil: number): boolean {
  return (
    statements(db)
      .prepare(`UPDATE outbox SET state = 'leased', lease_until = ?, attempts = attempts + 1 WHERE message_id = ? AND state = 'ready'`)
      .run(leaseUntil, messageId).changes > 0
  )
}

export function reschedule(db: Db, messageId: string, dueAt: number, lastError?: string): void {
  statements(db)
    .prepare(`UPDATE outbox SET state = 'ready', due_at = ?, lease_until = NULL, last_error = ? WHERE message_id = ?`)
    .run(dueAt, lastError ?? null, messageId)
}

export function hold(db: Db, messageId: string): void {
  statements(db).prepare(`UPDATE outbox SET state = 'held', lease_until = NULL WHERE message_id = ?`).run(messageId)
}

/** Held rows of a lane become ready again (consent arrived, or the user wrote and opened the window). */
export function releaseLane(db: Db, lane: string, now: number): number {
  return statements(db).prepare(`UPDATE outbox SET state = 'ready', due_at = ? WHERE lane = ? AND state = 'held'`).run(now, lane).changes
}

export function removeFromOutbox(db: Db, messageId: string): boolean {
  return statements(db).prepare('DELETE FROM outbox WHERE message_id = ?').run(messageId).changes > 0
}

/** Leases that outlived a crash: the send may or may not have reached the provider. */
export function expiredLeases(db: Db, now: number): OutboxRow[] {
  return statements(db).prepare(`SELECT * FROM outbox WHERE state = 'leased' AND lease_until <= ?`).all(now) as OutboxRow[]
}

/** Pushes every lease's end to at least `leaseUntil` (after a restart, reconciliation starts over). */
export function extendLeases(db: Db, leaseUntil: number): number {
  return statements(db).prepare(`UPDATE outbox SET lease_until = max(lease_until, ?) WHERE state = 'leased'`).run(leaseUntil).changes
}

export function nextDueAt(db: Db): number | undefined {
  const row = statements(db)
    .prepare(`SELECT min(CASE WHEN state = 'leased' THEN lease_until ELSE due_at END) AS due FROM outbox WHERE state != 'held'`)
    .get() as { due: number | null }
  return row.due ?? undefined
}

export function outboxCounts(db: Db): { held: number; ready: number; leased: number } {
  const counts = { held: 0, ready: 0, leased: 0 }
  for (const row of statements(db).prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as Array<{
    state: keyof typeof counts
    n: number
  }>) {
    counts[row.state] = row.n
  }
  return counts
}
