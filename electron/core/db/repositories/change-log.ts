import type { Db } from '../open'
import { statements } from '../statements'

export interface ChangeRow {
  seq: number
  kind: 'message' | 'conversation' | 'contact'
  entity_id: string
}

/** Changes after `since`, oldest first, at most `limit` (migration 0070's triggers write them). */
export function changesSince(db: Db, since: number, limit: number): ChangeRow[] {
  return statements(db)
    .prepare('SELECT seq, kind, entity_id FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?')
    .all(since, limit) as ChangeRow[]
}

/** The newest change's number (0 when nothing changed since the log began). */
export function latestChangeSeq(db: Db): number {
  return (statements(db).prepare('SELECT COALESCE(MAX(seq), 0) FROM change_log').pluck().get() as number) ?? 0
}

/** The oldest change still kept (pruned logs start later); 0 when the log is empty. */
export function oldestChangeSeq(db: Db): number {
  return (statements(db).prepare('SELECT COALESCE(MIN(seq), 0) FROM change_log').pluck().get() as number) ?? 0
}

/** Forgets changes up to `seq` (clients behind it take a fresh snapshot instead). */
export function pruneChangesThrough(db: Db, seq: number): number {
  return statements(db).prepare('DELETE FROM change_log WHERE seq <= ?').run(seq).changes
}
