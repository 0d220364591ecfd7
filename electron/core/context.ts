import type { Clock } from '../shared/clock'
import type { Db } from './db/open'
import type { EventHub } from './events'
import type { OrgPolicy } from './org/org-policy'
import type { ConsentKeywords } from './policy/keywords'
import type { ChangeFeed } from './services/change-feed'

/** What every engine service is given: no globals, so tests build one with a fake clock. */
export interface EngineContext {
  db: Db
  clock: Clock
  random: () => number
  newId: (prefix?: string) => string
  org: OrgPolicy
  keywords: ConsentKeywords
  events: EventHub
  changes: ChangeFeed
  /** Wakes the outbox scheduler after new work, a release, or a consent change. */
  wakeOutbox: () => void
}
