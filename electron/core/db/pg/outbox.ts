import type { OutboxKind, OutboxRow, OutboxState } from '../repositories/outbox'
import type { PgQueryable } from './pool'

/**
 * The outbox on PostgreSQL, for several server instances on one database: rows are claimed with a
 * lease (`FOR UPDATE SKIP LOCKED`), so exactly one instance sends each message; rows have the
 * SQLite outbox's shape (repositories/outbox.ts) and the same lane rules (outbox/hold-rule.ts).
 *
 * Not wired into the engine yet (README "Scaling out (PostgreSQL) — in progress").
 */

/**
 * SQL true when no row earlier in `o`'s lane may still go before it: nothing earlier is leased,
 * held (a held template, the opt-in request, blocks nobody; a template may pass a held free-form
 * row) or ready, except that a template passes a free-form row stuck behind a held one (SQLite
 * laneHeads; the engine holds such rows at once). Shared by claimDue and the engine's lease.
 */
export const NOTHING_EARLIER_MAY_GO = `NOT EXISTS (
           SELECT 1 FROM outbox e WHERE e.lane = o.lane AND e.seq < o.seq
             AND (e.state = 'leased'
               OR (e.state = 'held' AND e.kind <> 'template' AND o.kind <> 'template')
               OR (e.state = 'ready' AND (o.kind <> 'template' OR e.kind = 'template' OR NOT EXISTS (
                 SELECT 1 FROM outbox h WHERE h.lane = o.lane AND h.seq < e.seq AND h.state = 'held' AND h.kind <> 'template')))))`

export interface ClaimedRow {
  row: OutboxRow
  /**
   * The row was leased before and its lease ran out (its instance died or stalled mid-send): the
   * send may or may not have reached WhatsApp, so the claimer reconciles it (the callback-data
   * reconciliation of the SQLite outbox) instead of sending blindly. Its `attempts` did not grow.
   */
  expiredLease: boolean
}

export async function enqueuePg(
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
}

/**
 * Leases up to `limit` rows that are due at `now` until `leaseUntil`, at most one per lane (one
 * WhatsApp user), oldest due first. A row is claimed only when nothing earlier in its lane is
 * ready, leased or unsent-and-held: a user's later message never goes while an earlier one is on
 * its way, waiting for its time, or held (a held template, the opt-in request, blocks nobody, and a
 * template may pass a held free-form message, as on SQLite). An expired lease is claimed again.
 *
 * Concurrency: rows another claimer has locked are skipped, not waited for; a row another claimer
 * leased and committed after this statement's snapshot is re-checked on its new version and
 * dropped. An earlier row of the lane locked by another claimer is still `ready` in this snapshot,
 * so the rows behind it are not candidates either.
 */
export async function claimDue(db: PgQueryable, options: { now: number; leaseUntil: number; limit: number }): Promise<ClaimedRow[]> {
  if (!(options.leaseUntil > options.now)) throw new RangeError('leaseUntil must be after now')
  const result = await db.query<OutboxRow & { previous_state: OutboxState }>(
    `WITH due AS (
       SELECT o.message_id, o.state AS previous_state FROM outbox o
       WHERE ((o.state = 'ready' AND o.due_at <= $1) OR (o.state = 'leased' AND o.lease_until <= $1))
         AND ${NOTHING_EARLIER_MAY_GO}
       ORDER BY o.due_at, o.lane, o.seq
       LIMIT $3
       FOR UPDATE OF o SKIP LOCKED)
     UPDATE outbox SET state = 'leased', lease_until = $2,
       attempts = outbox.attempts + CASE WHEN due.previous_state = 'ready' THEN 1 ELSE 0 END
     FROM due WHERE outbox.message_id = due.message_id
     RETURNING outbox.*, due.previous_state`,
    [options.now, options.leaseUntil, options.limit],
  )
  return result.rows
    .map(({ previous_state, ...row }) => ({ row, expiredLease: previous_state === 'leased' }))
    .sort((a, b) => a.row.due_at - b.row.due_at || a.row.seq - b.row.seq)
}

/**
 * The send is done (sent, or failed for good): the row leaves the outbox, but only while this
 * claim's lease (`leaseUntil` as claimed) still holds it. False when the lease ran out and another
 * instance reclaimed the row: that instance reconciles it, this one must not touch it.
 */
export async function completeLease(db: PgQueryable, messageId: string, leaseUntil: number): Promise<boolean> {
  const result = await db.query(`DELETE FROM outbox WHERE message_id = $1 AND state = 'leased' AND lease_until = $2`, [
    messageId,
    leaseUntil,
  ])
  return result.rowCount === 1
}

/** A retryable failure: the row is due again at `dueAt`, if this claim still holds it (see completeLease). */
export async function rescheduleLease(
  db: PgQueryable,
  messageId: string,
  leaseUntil: number,
  dueAt: number,
  lastError?: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE outbox SET state = 'ready', due_at = $3, lease_until = NULL, last_error = $4
     WHERE message_id = $1 AND state = 'leased' AND lease_until = $2`,
    [messageId, leaseUntil, dueAt, lastError ?? null],
  )
  return result.rowCount === 1
}

/**
 * The outcome is unknown (timeout): keep the lease until `until` so status webhooks may reconcile
 * it (SQLite `keepLeased`). Returns the new lease to complete with, or undefined when it was lost.
 */
export async function extendLease(
  db: PgQueryable,
  messageId: string,
  leaseUntil: number,
  until: number,
  lastError: string,
): Promise<number | undefined> {
  const result = await db.query(
    `UPDATE outbox SET lease_until = $3, last_error = $4 WHERE message_id = $1 AND state = 'leased' AND lease_until = $2`,
    [messageId, leaseUntil, until, lastError],
  )
  return result.rowCount === 1 ? until : undefined
}

export async function getOutboxRowPg(db: PgQueryable, messageId: string): Promise<OutboxRow | undefined> {
  return (await db.query<OutboxRow>('SELECT * FROM outbox WHERE message_id = $1', [messageId])).rows[0]
}
