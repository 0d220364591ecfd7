import type { PgQueryable } from './pool'

// The changed-lane marks tell this process's scheduler which lanes to re-read, per pool (one
// database). A write inside a transaction marks its lane when the transaction commits (see
// commitLaneMarks): marked earlier, the scheduler could re-read the lane on another connection
// before the commit, see the old rows and forget the mark. Other instances learn of the lanes
// through the cluster signal (outbox/scheduler.ts).

interface Marks {
  lanes: Set<string>
  all: boolean
}
const poolMarks = new WeakMap<PgQueryable, Marks>()
/** Marks made on a transaction's connection, waiting for its commit. */
const pendingMarks = new WeakMap<PgQueryable, Set<string>>()

function marksOf(db: PgQueryable): Marks {
  let marks = poolMarks.get(db)
  if (!marks) poolMarks.set(db, (marks = { lanes: new Set(), all: false }))
  return marks
}

/** `lane` changed, written on `db` (a pool, or a transaction's connection: counted at its commit). */
export function mark(db: PgQueryable, lane: string | undefined): void {
  if (lane === undefined) return
  const pending = pendingMarks.get(db)
  if (pending) pending.add(lane)
  else marksOf(db).lanes.add(lane)
}

/** Every lane must be re-read. */
export function markAll(db: PgQueryable): void {
  marksOf(db).all = true
}

/** The marks so far, forgotten. */
export function takeMarks(db: PgQueryable): Marks {
  const taken = marksOf(db)
  poolMarks.set(db, { lanes: new Set(), all: false })
  return taken
}

export function hasMarks(db: PgQueryable): boolean {
  const marks = poolMarks.get(db)
  return !!marks && (marks.all || marks.lanes.size > 0)
}

/** `client` runs a transaction of `pool`'s store: its marks wait for commitLaneMarks. */
export function beginLaneMarks(client: PgQueryable): void {
  pendingMarks.set(client, new Set())
}

/** The transaction on `client` ended: its marks count for `pool` (also after a rollback: harmless). */
export function commitLaneMarks(client: PgQueryable, pool: PgQueryable): void {
  const pending = pendingMarks.get(client)
  pendingMarks.delete(client)
  for (const lane of pending ?? []) marksOf(pool).lanes.add(lane)
}
