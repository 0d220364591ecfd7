import pg from 'pg'
import type { ChangeRow } from '../../repositories/change-log'
import { changesSincePg, latestChangeSeqPg, pruneChangesThroughPg } from '../change-log'
import type { PgQueryable } from '../pool'

// PostgreSQL twin of ../../repositories/change-log.ts. Clients' cursor is `pos`, numbered only once
// every older transaction has ended (pg/change-log.ts says why), returned as `seq` so clients keep
// one cursor type. Numbering needs its own connection: inside a store transaction the changes
// numbered so far are read, and the next read outside one numbers the rest.

export async function changesSince(db: PgQueryable, since: number, limit: number): Promise<ChangeRow[]> {
  if (db instanceof pg.Pool) return changesSincePg(db, since, limit)
  const { rows } = await db.query<ChangeRow>('SELECT pos AS seq, kind, entity_id FROM change_log WHERE pos > $1 ORDER BY pos LIMIT $2', [
    since,
    limit,
  ])
  return rows
}

/** The newest cursor a reader can reach now (0 when nothing changed since the log began). */
export async function latestChangeSeq(db: PgQueryable): Promise<number> {
  if (db instanceof pg.Pool) return latestChangeSeqPg(db)
  return (await db.query<{ pos: number }>('SELECT COALESCE(MAX(pos), 0) AS pos FROM change_log')).rows[0].pos
}

/** The oldest cursor still kept (pruned logs start later); 0 when none is numbered. */
export async function oldestChangeSeq(db: PgQueryable): Promise<number> {
  return (await db.query<{ pos: number }>('SELECT COALESCE(MIN(pos), 0) AS pos FROM change_log')).rows[0].pos
}

/** Forgets changes up to cursor `seq` (clients behind it take a fresh snapshot instead). */
export async function pruneChangesThrough(db: PgQueryable, seq: number): Promise<number> {
  return pruneChangesThroughPg(db, seq)
}
