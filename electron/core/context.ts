import type { Clock } from '../shared/clock'
import type { Store } from './db/store'
import type { EventHub } from './events'
import type { OrgPolicy } from './org/org-policy'
import type { ConsentKeywords } from './policy/keywords'
import type { ChangeSink } from './services/change-feed'
import type { TemplateStates } from './services/template-states'

/** What every engine service is given: no globals, so tests build one with a fake clock. */
export interface EngineContext {
  /** The async storage seam (SQLite or PostgreSQL); work that must commit together runs in `inTransaction`. */
  store: Store
  /** The engine's store itself: `store` is a transaction whenever it is not this one. */
  root: Store
  clock: Clock
  random: () => number
  newId: (prefix?: string) => string
  org: OrgPolicy
  keywords: ConsentKeywords
  events: EventHub
  changes: ChangeSink
  /** The account's templates as last read or reported (the opt-in template's state and text). */
  templates: TemplateStates
  /** Wakes the outbox scheduler after new work, a release, or a consent change. */
  wakeOutbox: () => void
}

/**
 * Runs `work` in one store transaction with a context whose store is that transaction, so all it
 * calls joins it (a nested `inTransaction` is a savepoint). Inside, use the given context only:
 * calling the outer `ctx.store` would wait for this very transaction on SQLite.
 *
 * What the work announces (changed conversations and messages, a wake of the outbox) happens once
 * the transaction has committed, and not at all when it rolls back: on PostgreSQL the scheduler
 * and the change feed read on other connections, and would otherwise find the old rows, then sleep.
 */
export async function inTransaction<T>(ctx: EngineContext, work: (tx: EngineContext) => Promise<T>): Promise<T> {
  if (ctx.store !== ctx.root) return ctx.store.transaction((store) => work({ ...ctx, store }))
  const effects: Array<() => void> = []
  const later =
    <A extends unknown[]>(effect: (...args: A) => void) =>
    (...args: A) =>
      void effects.push(() => effect(...args))
  const { changes } = ctx
  const deferred: ChangeSink = {
    conversation: later((id) => changes.conversation(id)),
    message: later((id, conversationId) => changes.message(id, conversationId)),
    removed: later((conversationId, userId) => changes.removed(conversationId, userId)),
    contact: later((contact) => changes.contact(contact)),
  }
  const result = await ctx.store.transaction((store) => {
    // PostgreSQL may run the work again after a conflict: only the last run's announcements count.
    effects.length = 0
    return work({ ...ctx, store, changes: deferred, wakeOutbox: later(() => ctx.wakeOutbox()) })
  })
  for (const effect of effects) effect()
  return result
}
