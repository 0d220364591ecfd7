import type { EventChannel, EventPayloads } from '../shared/api/contract'
import type { SqliteEngine } from '../core/engine'
import { getOrgUser } from '../core/db/repositories/org-users'
import type { Settings } from './settings'

export type EngineEventListener = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void

/**
 * The org user this desktop acts as (kept in settings). Listeners registered with `subscribe`
 * follow the engine's events for whoever is signed in, re-subscribing when that changes.
 */
export class SignedInUser {
  private readonly listeners = new Set<EngineEventListener>()
  private readonly changeListeners = new Set<(userId: string | undefined) => void>()
  private engineSubscription: (() => void) | undefined
  private current: string | undefined

  constructor(
    private readonly settings: Settings,
    private readonly engine: Pick<SqliteEngine, 'subscribe' | 'db'>,
  ) {
    const saved = settings.signedInUserId()
    // A user removed from the org policy since last time signs out.
    if (saved && this.exists(saved)) this.current = saved
    else if (saved) settings.setSignedInUserId(undefined)
    this.resubscribe()
  }

  get id(): string | undefined {
    return this.current
  }

  set(userId: string | undefined): void {
    if (userId === this.current) return
    this.current = userId
    this.settings.setSignedInUserId(userId)
    this.resubscribe()
    for (const listener of this.changeListeners) listener(userId)
  }

  onChange(listener: (userId: string | undefined) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  /** Engine events for the signed-in user (none while nobody is signed in). */
  subscribe(listener: EngineEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  dispose(): void {
    this.engineSubscription?.()
    this.engineSubscription = undefined
    this.listeners.clear()
    this.changeListeners.clear()
  }

  private resubscribe(): void {
    this.engineSubscription?.()
    this.engineSubscription = undefined
    if (!this.current) return
    this.engineSubscription = this.engine.subscribe(this.current, (event, payload) => {
      for (const listener of this.listeners) {
        try {
          listener(event, payload)
        } catch {
          // A failing consumer (a destroyed window) must not stop the others.
        }
      }
    })
  }

  /** The desktop's engine is SQLite (see db/store.ts): its one user is checked at once. */
  private exists(userId: string): boolean {
    return getOrgUser(this.engine.db, userId) !== undefined
  }
}
