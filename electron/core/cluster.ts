import type { EventChannel, EventPayloads } from '../shared/api/contract'
import { EventHub } from './events'

/**
 * What one server instance tells the others on the same database (several instances on PostgreSQL):
 * - `lanes`: outbox lanes it wrote, so their schedulers re-read them (a dead instance's work is found);
 * - `changes`: conversations and messages it changed, so each builds its own subscribers' views;
 * - `event`: an event for signed-in users (a contact changed, an import's progress);
 * - `revoked`: sessions signed out, so every instance closes their sockets.
 */
export type ClusterSignal =
  /** `sending`: lanes it started a send on, which the others leave to it for a moment (see scheduler). */
  | { kind: 'lanes'; lanes: string[]; sending: string[] }
  | {
      kind: 'changes'
      conversations: string[]
      messages: Array<{ id: string; conversationId?: string }>
      removals: Array<{ conversationId: string; userId: string }>
    }
  | { kind: 'event'; userIds: string[] | null; event: EventChannel; payload: unknown }
  | { kind: 'revoked'; credentialIds: string[] }

/** The other instances; absent when this process runs alone (SQLite, the desktop, one server). */
export interface ClusterLink {
  /** To every other instance, after what this process committed before the call. */
  signal(message: ClusterSignal): void
  /** What other instances signalled, in the order they committed it. */
  onSignal(listener: (message: ClusterSignal) => void): () => void
  /** Signals may have been missed (the link was down): re-read what they would have said. */
  onGap(listener: () => void): () => void
  /** How many other instances are running now (listening on the link). */
  othersRunning(): Promise<number>
}

/**
 * The engine's event hub with other instances: what this process publishes reaches subscribers
 * connected here at once and those of every other instance through the link.
 */
export class ClusterEventHub extends EventHub {
  constructor(private readonly link: ClusterLink) {
    super()
    link.onSignal((message) => {
      if (message.kind !== 'event') return
      const payload = message.payload as EventPayloads[EventChannel]
      this.publishHere(message.userIds ?? this.subscribedUsers(), message.event, payload)
    })
  }

  override publish<E extends EventChannel>(userIds: Iterable<string>, event: E, payload: EventPayloads[E]): void {
    const users = [...userIds]
    this.publishHere(users, event, payload)
    this.link.signal({ kind: 'event', userIds: users, event, payload })
  }

  override publishToAll<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    this.publishHere(this.subscribedUsers(), event, payload)
    this.link.signal({ kind: 'event', userIds: null, event, payload })
  }
}
