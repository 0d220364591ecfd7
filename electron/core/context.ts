import type { Clock } from '../shared/clock'
import type { Db } from './db/open'
import type { Store } from './db/store'
import type { EventHub } from './events'
import type { OrgPolicy } from './org/org-policy'
import type { ConsentKeywords } from './policy/keywords'
import type { ChangeFeed } from './services/change-feed'
import type { TemplateStates } from './services/template-states'

/** What every engine service is given: no globals, so tests build one with a fake clock. */
export interface EngineContext {
  /** The synchronous SQLite connection: being replaced by `store` service by service (issue 15). */
  db: Db
  /** The async storage seam (SQLite or PostgreSQL); work that must commit together runs in `inTransaction`. */
  store: Store
  clock: Clock
  random: () => number
  newId: (prefix?: string) => string
  org: OrgPolicy
  keywords: ConsentKeywords
  events: EventHub
  changes: ChangeFeed
  /** The account's templates as last read or reported (the opt-in template's state and text). */
  templates: TemplateStates
  /** Wakes the outbox scheduler after new work, a release, or a consent change. */
  wakeOutbox: () => void
}

/**
 * Runs `work` in one store transaction with a context whose store is that transaction, so all it
 * calls joins it (a nested `inTransaction` is a savepoint). Inside, use the given context only:
 * calling the outer `ctx.store` would wait for this very transaction on SQLite.
 */
export function inTransaction<T>(ctx: EngineContext, work: (tx: EngineContext) => Promise<T>): Promise<T> {
  return ctx.store.transaction((store) => work({ ...ctx, store }))
}
