import type pg from 'pg'
import type { ChangeRow } from '../repositories/change-log'

/**
 * The change cursor on PostgreSQL, safe under concurrent commits. `seq` (an identity) is taken
 * when a row is written, not when it commits: transaction T1 may write seq 5, T2 seq 6, and T2
 * commit first. A reader that then returned 6 would move its cursor past 5 and never see it.
 *
 * So the cursor is not `seq` but `pos`, a second number given by `numberChanges` only to rows of
 * transactions older than every transaction still running (`xid < pg_snapshot_xmin`): no
 * transaction that could still commit a change remains among them, and transactions that start
 * later get larger xids. Rows are numbered in (xid, seq) order, under a transaction-level advisory
 * lock, so numbers become visible in order: whoever sees pos N sees every pos below it.
 *
 * The price: a change waits for every older transaction, even an unrelated long one (a bulk
 * import), before readers see it; keep transactions short. The returned row's `seq` is its `pos`,
 * the same shape as the SQLite log (repositories/change-log.ts), so clients keep one cursor type.
 *
 * Not wired into the engine yet (README "Scaling out (PostgreSQL) — in progress").
 */

/** One number per database for the numbering lock (see migrate.ts' MIGRATION_LOCK). */
export const CHANGE_NUMBERING_LOCK = 7_466_391_845_212_002

/**
 * Numbers the changes that have become final; returns how many. Any instance may call it at any
 * time; two at once take turns. Readers call it through `changesSincePg`.
 */
export async function numberChanges(pool: pg.Pool): Promise<number> {
  // Usually everything is numbered already: then readers need no lock and no write (partial index).
  const pending = await pool.query<{ pending: boolean }>('SELECT EXISTS (SELECT 1 FROM change_log WHERE pos IS NULL) AS pending')
  if (!pending.rows[0]?.pending) return 0
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_NUMBERING_LOCK])
      // The snapshot is taken after the lock, so it sees every number the previous holder gave.
      // nextval runs in the order the inner query yields its rows: (xid, seq).
      const result = await client.query(
        `UPDATE change_log c SET pos = n.pos
         FROM (SELECT seq, nextval('change_log_pos') AS pos FROM (
           SELECT seq FROM change_log
           WHERE pos IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY xid, seq) final) n
         WHERE c.seq = n.seq`,
      )
      await client.query('COMMIT')
      return result.rowCount ?? 0
    } catch (error) {
      await client.query('ROLLBACK')
      throw error
    }
  } finally {
    client.release()
  }
}

/** Changes after cursor `since`, oldest first, at most `limit`; `seq` of each is its cursor. */
export async function changesSincePg(pool: pg.Pool, since: number, limit: number): Promise<ChangeRow[]> {
  await numberChanges(pool)
  const result = await pool.query<ChangeRow>('SELECT pos AS seq, kind, entity_id FROM change_log WHERE pos > $1 ORDER BY pos LIMIT $2', [
    since,
    limit,
  ])
  return result.rows
}

/** The newest cursor a reader can reach now (0 when nothing changed since the log began). */
export async function latestChangeSeqPg(pool: pg.Pool): Promise<number> {
  await numberChanges(pool)
  return (await pool.query<{ pos: number }>('SELECT COALESCE(MAX(pos), 0) AS pos FROM change_log')).rows[0]?.pos ?? 0
}

/** Forgets numbered changes up to cursor `seq` (clients behind it take a fresh snapshot). */
export async function pruneChangesThroughPg(pool: Pick<pg.Pool, 'query'>, seq: number): Promise<number> {
  return (await pool.query('DELETE FROM change_log WHERE pos <= $1', [seq])).rowCount ?? 0
}
