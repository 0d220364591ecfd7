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
  /** The async storage seam (SQLite or PostgreSQL); inside `store.transaction`, pass `{ ...ctx, store: tx }` on. */
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
