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

/**
 * Lanes whose rows changed since the scheduler last looked, per database: every write below marks
 * its lane, so the scheduler re-reads only those lanes instead of every held row on each wake
 * (issue 21). Marking too much is harmless (a lane is re-read for nothing); a rolled-back write
 * leaves a mark too, for the same reason.
 */
const changedLanes = new WeakMap<Db, { lanes: Set<string>; all: boolean }>()

function changes(db: Db): { lanes: Set<string>; all: boolean } {
  let entry = changedLanes.get(db)
  if (!entry) changedLanes.set(db, (entry = { lanes: new Set(), all: false }))
  return entry
}

export function markLaneChanged(db: Db, lane: string | undefined): void {
  if (lane !== undefined) changes(db).lanes.add(lane)
}

/** The lanes written since the last call (`all` when every lane must be re-read), and forgets them. */
export function takeChangedLanes(db: Db): { lanes: Set<string>; all: boolean } {
  const entry = changes(db)
  changedLanes.set(db, { lanes: new Set(), all: false })
  return entry
}

export function hasChangedLanes(db: Db): boolean {
  const entry = changedLanes.get(db)
  return !!entry && (entry.all || entry.lanes.size > 0)
}

/** Lanes with something ready or under way (the `outbox_due` index; held rows are not read). */
export function activeLanes(db: Db): string[] {
  return statements(db).prepare(`SELECT DISTINCT lane FROM outbox WHERE state IN ('ready', 'leased')`).pluck().all() as string[]
}

/** One lane's rows that may be sent or must wait, in order; held templates never block anyone. */
export function laneCandidates(db: Db, lane: string): OutboxRow[] {
  return statements(db)
    .prepare(`SELECT * FROM outbox WHERE lane = ? AND (state != 'held' OR kind != 'template') ORDER BY seq`)
    .all(lane) as OutboxRow[]
}

const laneOf = (row: unknown): string | undefined => (row as { lane: string } | undefined)?.lane

export function enqueue(
  db: Db,
  row: { messageId: string; lane: string; seq: number; kind: OutboxKind; state: Exclude<OutboxState, 'leased'>; dueAt: number },
): void {
  statements(db)
    .prepare(`INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES (@messageId, @lane, @seq, @kind, @state, @dueAt)`)
    .run(row)
  markLaneChanged(db, row.lane)
}

export function getOutboxRow(db: Db, messageId: string): OutboxRow | undefined {
  return statements(db).prepare('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as OutboxRow | undefined
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
  const row = statements(db)
    .prepare(`UPDATE outbox SET state = 'leased', lease_until = ?, last_error = ? WHERE message_id = ? RETURNING lane`)
    .get(until, lastError, messageId)
  markLaneChanged(db, laneOf(row))
}

export function laneRows(db: Db, lane: string): OutboxRow[] {
  return statements(db).prepare('SELECT * FROM outbox WHERE lane = ? ORDER BY seq').all(lane) as OutboxRow[]
}

export function lease(db: Db, messageId: string, leaseUntil: number): boolean {
  const row = statements(db)
    .prepare(
      `UPDATE outbox SET state = 'leased', lease_until = ?, attempts = attempts + 1 WHERE message_id = ? AND state = 'ready' RETURNING lane`,
    )
    .get(leaseUntil, messageId)
  markLaneChanged(db, laneOf(row))
  return row !== undefined
}

/** A lease taken but not used: ready again at `dueAt`, its attempt given back. */
export function giveBackLease(db: Db, messageId: string, dueAt: number): void {
  const row = statements(db)
    .prepare(
      `UPDATE outbox SET state = 'ready', due_at = ?, lease_until = NULL, attempts = attempts - 1 WHERE message_id = ? AND state = 'leased' RETURNING lane`,
    )
    .get(dueAt, messageId)
  markLaneChanged(db, laneOf(row))
}

export function reschedule(db: Db, messageId: string, dueAt: number, lastError?: string): void {
  const row = statements(db)
    .prepare(`UPDATE outbox SET state = 'ready', due_at = ?, lease_until = NULL, last_error = ? WHERE message_id = ? RETURNING lane`)
    .get(dueAt, lastError ?? null, messageId)
  markLaneChanged(db, laneOf(row))
}

export function hold(db: Db, messageId: string): void {
  const row = statements(db)
    .prepare(`UPDATE outbox SET state = 'held', lease_until = NULL WHERE message_id = ? RETURNING lane`)
    .get(messageId)
  markLaneChanged(db, laneOf(row))
}

/** Held rows of a lane become ready again (consent arrived, or the user wrote and opened the window). */
export function releaseLane(db: Db, lane: string, now: number): number {
  markLaneChanged(db, lane)
  return statements(db).prepare(`UPDATE outbox SET state = 'ready', due_at = ? WHERE lane = ? AND state = 'held'`).run(now, lane).changes
}

export function removeFromOutbox(db: Db, messageId: string): boolean {
  const row = statements(db).prepare('DELETE FROM outbox WHERE message_id = ? RETURNING lane').get(messageId)
  markLaneChanged(db, laneOf(row))
  return row !== undefined
}

/** Leases that outlived a crash: the send may or may not have reached the provider. */
export function expiredLeases(db: Db, now: number): OutboxRow[] {
  return statements(db).prepare(`SELECT * FROM outbox WHERE state = 'leased' AND lease_until <= ?`).all(now) as OutboxRow[]
}

/** An expired lease goes back to ready, due at `now`, unless it was renewed or settled meanwhile: true when it did. */
export function releaseExpiredLease(db: Db, messageId: string, now: number): boolean {
  const row = statements(db)
    .prepare(
      `UPDATE outbox SET state = 'ready', due_at = ?, lease_until = NULL WHERE message_id = ? AND state = 'leased' AND lease_until <= ? RETURNING lane`,
    )
    .get(now, messageId, now)
  markLaneChanged(db, laneOf(row))
  return row !== undefined
}

/** Pushes every lease's end to at least `leaseUntil` (after a restart, reconciliation starts over). */
export function extendLeases(db: Db, leaseUntil: number): number {
  changes(db).all = true
  return statements(db).prepare(`UPDATE outbox SET lease_until = max(lease_until, ?) WHERE state = 'leased'`).run(leaseUntil).changes
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
