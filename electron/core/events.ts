import type { EventChannel, EventPayloads } from '../shared/api/contract'

export type EventListener = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void

/**
 * Delivers engine events to signed-in users. Conversations and messages are per user (unread
 * counts, access), so changes are published as ids and each subscriber's view is built for them.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<EventListener>>()

  subscribe(userId: string, listener: EventListener): () => void {
    const set = this.listeners.get(userId) ?? new Set()
    set.add(listener)
    this.listeners.set(userId, set)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(userId)
    }
  }

  subscribedUsers(): string[] {
    return [...this.listeners.keys()]
  }

  hasSubscribers(): boolean {
    return this.listeners.size > 0
  }

  /** To `userIds` (every instance's subscribers when clustered: see cluster.ts). */
  publish<E extends EventChannel>(userIds: Iterable<string>, event: E, payload: EventPayloads[E]): void {
    this.publishHere(userIds, event, payload)
  }

  publishToAll<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    this.publishHere(this.listeners.keys(), event, payload)
  }

  /** To the subscribers connected to this process only (views built for them: the change feed). */
  publishHere<E extends EventChannel>(userIds: Iterable<string>, event: E, payload: EventPayloads[E]): void {
    for (const userId of userIds) {
      for (const listener of this.listeners.get(userId) ?? []) {
        try {
          listener(event, payload)
        } catch {
          // One broken subscriber (a closed socket) must not stop the others.
        }
      }
    }
  }
}
