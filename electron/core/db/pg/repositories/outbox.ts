import type { OutboxKind, OutboxRow, OutboxState } from '../../repositories/outbox'
import { hasMarks, mark, markAll, takeMarks } from '../lane-marks'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/outbox.ts: the row operations the engine's services and
// send jobs use. Several instances send from one database: `lease` takes a row only while nothing
// earlier in its lane may still go (NOTHING_EARLIER_MAY_GO), so a second instance acting
// on an old view of a lane can neither send a message twice nor pass an earlier one. Lanes sort by
// code point, as on SQLite.

/**
 * SQL true when no row earlier in `o`'s lane may still go before it: nothing earlier is leased,
 * held (a held template, the opt-in request, blocks nobody; a template may pass a held free-form
 * row) or ready, except that a template passes a free-form row stuck behind a held one (SQLite
 * laneHeads; the engine holds such rows at once). The engine's `lease` asks it.
 */
const NOTHING_EARLIER_MAY_GO = `NOT EXISTS (
           SELECT 1 FROM outbox e WHERE e.lane = o.lane AND e.seq < o.seq
             AND (e.state = 'leased'
               OR (e.state = 'held' AND e.kind <> 'template' AND o.kind <> 'template')
               OR (e.state = 'ready' AND (o.kind <> 'template' OR e.kind = 'template' OR NOT EXISTS (
                 SELECT 1 FROM outbox h WHERE h.lane = o.lane AND h.seq < e.seq AND h.state = 'held' AND h.kind <> 'template')))))`

export function markLaneChanged(db: PgQueryable, lane: string | undefined): Promise<void> {
  mark(db, lane)
  return Promise.resolve()
}

/** The lanes written since the last call (`all` when every lane must be re-read), and forgets them. */
export function takeChangedLanes(db: PgQueryable): Promise<{ lanes: Set<string>; all: boolean }> {
  return Promise.resolve(takeMarks(db))
}

export function hasChangedLanes(db: PgQueryable): Promise<boolean> {
  return Promise.resolve(hasMarks(db))
}

const laneOf = (rows: Array<{ lane: string }>) => rows[0]?.lane

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
  await db.query(`INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    row.messageId,
    row.lane,
    row.seq,
    row.kind,
    row.state,
    row.dueAt,
  ])
  mark(db, row.lane)
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
  mark(db, laneOf(rows))
}

export async function laneRows(db: PgQueryable, lane: string): Promise<OutboxRow[]> {
  return (await db.query<OutboxRow>('SELECT * FROM outbox WHERE lane = $1 ORDER BY seq', [lane])).rows
}

/**
 * Leases a ready row, only while nothing earlier in its lane may still go (NOTHING_EARLIER_MAY_GO):
 * false when another instance leased it first or the caller's view of the lane is old. A row
 * another transaction holds (an instance leasing it this moment) is skipped, not waited for
 * (`FOR UPDATE SKIP LOCKED`); one changed since this statement began is checked again as it is now.
 */
export async function lease(db: PgQueryable, messageId: string, leaseUntil: number): Promise<boolean> {
  const { rows } = await db.query<{ lane: string }>(
    `WITH claimable AS (
       SELECT o.message_id FROM outbox o
       WHERE o.message_id = $2 AND o.state = 'ready' AND ${NOTHING_EARLIER_MAY_GO}
       FOR UPDATE OF o SKIP LOCKED)
     UPDATE outbox SET state = 'leased', lease_until = $1, attempts = outbox.attempts + 1
     FROM claimable WHERE outbox.message_id = claimable.message_id RETURNING outbox.lane`,
    [leaseUntil, messageId],
  )
  mark(db, laneOf(rows))
  return rows.length > 0
}

/** A lease taken but not used: ready again at `dueAt`, its attempt given back. */
export async function giveBackLease(db: PgQueryable, messageId: string, dueAt: number): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'ready', due_at = $2, lease_until = NULL, attempts = attempts - 1
     WHERE message_id = $1 AND state = 'leased' RETURNING lane`,
    [messageId, dueAt],
  )
  mark(db, laneOf(rows))
}

export async function reschedule(db: PgQueryable, messageId: string, dueAt: number, lastError?: string): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'ready', due_at = $1, lease_until = NULL, last_error = $2 WHERE message_id = $3 RETURNING lane`,
    [dueAt, lastError ?? null, messageId],
  )
  mark(db, laneOf(rows))
}

export async function hold(db: PgQueryable, messageId: string): Promise<void> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'held', lease_until = NULL WHERE message_id = $1 RETURNING lane`,
    [messageId],
  )
  mark(db, laneOf(rows))
}

/** Held rows of a lane become ready again (consent arrived, or the user wrote and opened the window). */
export async function releaseLane(db: PgQueryable, lane: string, now: number): Promise<number> {
  mark(db, lane)
  return (await db.query(`UPDATE outbox SET state = 'ready', due_at = $1 WHERE lane = $2 AND state = 'held'`, [now, lane])).rowCount ?? 0
}

export async function removeFromOutbox(db: PgQueryable, messageId: string): Promise<boolean> {
  const { rows } = await db.query<{ lane: string }>('DELETE FROM outbox WHERE message_id = $1 RETURNING lane', [messageId])
  mark(db, laneOf(rows))
  return rows.length > 0
}

/** Leases that outlived a crash: the send may or may not have reached the provider. */
export async function expiredLeases(db: PgQueryable, now: number): Promise<OutboxRow[]> {
  return (await db.query<OutboxRow>(`SELECT * FROM outbox WHERE state = 'leased' AND lease_until <= $1`, [now])).rows
}

/**
 * An expired lease goes back to ready, due at `now`, unless it was renewed or settled meanwhile (by
 * this instance or another): true when it did.
 */
export async function releaseExpiredLease(db: PgQueryable, messageId: string, now: number): Promise<boolean> {
  const { rows } = await db.query<{ lane: string }>(
    `UPDATE outbox SET state = 'ready', due_at = $2, lease_until = NULL
     WHERE message_id = $1 AND state = 'leased' AND lease_until <= $2 RETURNING lane`,
    [messageId, now],
  )
  mark(db, laneOf(rows))
  return rows.length > 0
}

/** Pushes every lease's end to at least `leaseUntil` (after a restart, reconciliation starts over). */
export async function extendLeases(db: PgQueryable, leaseUntil: number): Promise<number> {
  markAll(db)
  return (await db.query(`UPDATE outbox SET lease_until = GREATEST(lease_until, $1) WHERE state = 'leased'`, [leaseUntil])).rowCount ?? 0
}

export async function outboxCounts(db: PgQueryable): Promise<{ held: number; ready: number; leased: number }> {
  const counts = { held: 0, ready: 0, leased: 0 }
  const { rows } = await db.query<{ state: keyof typeof counts; n: number }>('SELECT state, count(*)::int AS n FROM outbox GROUP BY state')
  for (const row of rows) counts[row.state] = row.n
  return counts
}
