import type { OutboxKind, OutboxRow, OutboxState } from '../../repositories/outbox'
import { enqueuePg } from '../outbox'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/outbox.ts. Several instances claim rows with leases through
// pg/outbox.ts (claimDue, FOR UPDATE SKIP LOCKED); these are the row operations the engine's
// services and send jobs use around that. Lanes sort by code point, as on SQLite.
//
// The changed-lane marks tell this process's scheduler which lanes to re-read; they are kept in
// memory per process, as on SQLite (a write from another instance is found by claimDue instead).
let marks = { lanes: new Set<string>(), all: false }

export function markLaneChanged(_db: PgQueryable, lane: string | undefined): Promise<void> {
  if (lane !== undefined) marks.lanes.add(lane)
  return Promise.resolve()
}

/** The lanes written since the last call (`all` when every lane must be re-read), and forgets them. */
export function takeChangedLanes(_db: PgQueryable): Promise<{ lanes: Set<string>; all: boolean }> {
  const taken = marks
  marks = { lanes: new Set(), all: false }
  return Promise.resolve(taken)
}

export function hasChangedLanes(_db: PgQueryable): Promise<boolean> {
  return Promise.resolve(marks.all || marks.lanes.size > 0)
}

const laneOf = (rows: Array<{ lane: string }>) => rows[0]?.lane
const mark = (lane: string | undefined) => {
  if (lane !== undefined) marks.lanes.add(lane)
}

/** Lanes with something ready or under way (held rows are not read). */
export async function activeLanes(db: PgQueryable): Promise<string[]> {
  return (await db.query<{ lane: string }>(`SELECT DISTINCT lane FROM outbox WHERE state IN ('ready', 'leased')`)).rows.map((r) => r.lane)
}

/** One lane's rows that may be sent or must wait, in order; held templates never block anyone. */
export async function laneCandidates(db: PgQueryable, lane: string): Promise<OutboxRow[]> {
  return (
    await db.query<OutboxRow>(`SELECT * FROM outbox WHERE lane = $1 AND (state <> 'held' OR kind <> 'template') ORDER BY seq`, [lane])
  ).rows
}

export async function enqueue(
  db: PgQueryable,
  row: { messageId: string; lane: string; seq: number; kind: OutboxKind; state: Exclude<OutboxState, 'leased'>; dueAt: number },
): Promise<void> {
  await enqueuePg(db, row)
  mark(row.lane)
}

export async function getOutboxRow(db: PgQueryable, messageId: string): Promise<OutboxRow | undefined> {
  return (await db.query<OutboxRow>('SELECT * FROM outbox WHERE message_id = $1', [messageId])).rows[0]
}

/** Messages of one conversation still waiting to be sent (not already on their way). */
export async function waitingMessageIds(db: PgQueryable, conversationId: string): Promise<string[]> {
  const { rows } = await db.query<{ message_id: string }>(
    `SELECT o.message_id FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.conversation_id = $1 AND o.state <> 'leased'`,
    [conversationId],
  )
  return rows.map((r) => r.message_id)
}

/** After a send's outcome turned out unknown: keep the lease until `until` (status webhooks may reconcile it). */
export async function keepLeased(db: PgQueryable, messageId: string, until: number, lastError: string): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'leased', lease_until = $1, last_error = $2 WHERE message_id = $3 RETURNING lane`,
    [until, lastError, messageId],
  )
  mark(laneOf(rows))
}

export async function laneRows(db: PgQueryable, lane: string): Promise<OutboxRow[]> {
  return (await db.query<OutboxRow>('SELECT * FROM outbox WHERE lane = $1 ORDER BY seq', [lane])).rows
}

export async function lease(db: PgQueryable, messageId: string, leaseUntil: number): Promise<boolean> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'leased', lease_until = $1, attempts = attempts + 1 WHERE message_id = $2 AND state = 'ready' RETURNING lane`,
    [leaseUntil, messageId],
  )
  mark(laneOf(rows))
  return rows.length > 0
}

export async function reschedule(db: PgQueryable, messageId: string, dueAt: number, lastError?: string): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'ready', due_at = $1, lease_until = NULL, last_error = $2 WHERE message_id = $3 RETURNING lane`,
    [dueAt, lastError ?? null, messageId],
  )
  mark(laneOf(rows))
}

export async function hold(db: PgQueryable, messageId: string): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'held', lease_until = NULL WHERE message_id = $1 RETURNING lane`,
    [messageId],
  )
  mark(laneOf(rows))
}

/** Held rows of a lane become ready again (consent arrived, or the user wrote and opened the window). */
export async function releaseLane(db: PgQueryable, lane: string, now: number): Promise<number> {
  mark(lane)
  return (await db.query(`UPDATE outbox SET state = 'ready', due_at = $1 WHERE lane = $2 AND state = 'held'`, [now, lane])).rowCount ?? 0
}

export async function removeFromOutbox(db: PgQueryable, messageId: string): Promise<boolean> {
  const { rows } = await db.query<{ lane: string }>('DELETE FROM outbox WHERE message_id = $1 RETURNING lane', [messageId])
  mark(laneOf(rows))
  return rows.length > 0
}

/** Leases that outlived a crash: the send may or may not have reached the provider. */
export async function expiredLeases(db: PgQueryable, now: number): Promise<OutboxRow[]> {
  return (await db.query<OutboxRow>(`SELECT * FROM outbox WHERE state = 'leased' AND lease_until <= $1`, [now])).rows
}

/** Pushes every lease's end to at least `leaseUntil` (after a restart, reconciliation starts over). */
export async function extendLeases(db: PgQueryable, leaseUntil: number): Promise<number> {
  marks.all = true
  return (await db.query(`UPDATE outbox SET lease_until = GREATEST(lease_until, $1) WHERE state = 'leased'`, [leaseUntil])).rowCount ?? 0
}

export async function outboxCounts(db: PgQueryable): Promise<{ held: number; ready: number; leased: number }> {
  const counts = { held: 0, ready: 0, leased: 0 }
  const { rows } = await db.query<{ state: keyof typeof counts; n: number }>('SELECT state, count(*)::int AS n FROM outbox GROUP BY state')
  for (const row of rows) counts[row.state] = row.n
  return counts
}
