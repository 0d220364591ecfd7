import type { Contact } from '../../shared/domain'
import type { ClusterLink } from '../cluster'
import type { Store } from '../db/store'
import type { EventHub } from '../events'
import { createLogger } from '../platform/logger'
import { loadConversationFor, loadMessages } from './views'

const log = createLogger('changes')

type Removal = { conversationId: string; userId: string }

/** What services announce: which conversations and messages changed (published once committed). */
export interface ChangeSink {
  conversation(id: string): void
  message(id: string, conversationId?: string): void
  /** `userId` lost access to the conversation (left, removed, transferred away). */
  removed(conversationId: string, userId: string): void
  contact(contact: Contact): void
}

/**
 * Collects what changed during a burst of work (a webhook batch, a release of 1,000 held
 * messages) and publishes each conversation and message once, built for each subscribed
 * participant, on the next turn of the event loop. Flushes run one after another, so what a
 * subscriber receives keeps the order it happened in.
 */
export class ChangeFeed implements ChangeSink {
  private readonly conversations = new Set<string>()
  private readonly messages = new Set<string>()
  private readonly removals: Removal[] = []
  private scheduled = false
  private readonly flushedListeners = new Set<() => void>()
  /** The flush being published (or the last one, settled). */
  private publishing: Promise<void> = Promise.resolve()

  /** What this process changed since the last flush, for the other instances (when clustered). */
  private outgoing = { conversations: new Set<string>(), messages: new Map<string, string | undefined>(), removals: [] as Removal[] }

  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly now: () => number,
    private readonly cluster?: ClusterLink,
  ) {
    // Another instance's changes: built here for the subscribers connected here.
    cluster?.onSignal((signal) => {
      if (signal.kind !== 'changes') return
      for (const id of signal.conversations) this.conversations.add(id)
      for (const { id, conversationId } of signal.messages) this.noteMessage(id, conversationId)
      this.removals.push(...signal.removals)
      this.schedule()
    })
  }

  conversation(id: string): void {
    this.conversations.add(id)
    this.outgoing.conversations.add(id)
    this.schedule()
  }

  message(id: string, conversationId?: string): void {
    this.noteMessage(id, conversationId)
    this.outgoing.messages.set(id, conversationId ?? this.outgoing.messages.get(id))
    this.schedule()
  }

  /** `userId` lost access to the conversation (left, removed, transferred away). */
  removed(conversationId: string, userId: string): void {
    this.removals.push({ conversationId, userId })
    this.outgoing.removals.push({ conversationId, userId })
    this.schedule()
  }

  private noteMessage(id: string, conversationId: string | undefined): void {
    this.messages.add(id)
    if (conversationId) this.conversations.add(conversationId)
  }

  contact(contact: Contact): void {
    this.events.publishToAll('contacts:changed', contact)
  }

  /** Resolves after the pending changes have been published (for tests and shutdown). */
  flushed(): Promise<void> {
    if (!this.scheduled) return this.publishing
    return new Promise((resolve) => this.flushedListeners.add(resolve))
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => void this.flush())
  }

  flush(): Promise<void> {
    this.scheduled = false
    const conversations = [...this.conversations]
    const messages = [...this.messages]
    const removals = this.removals.splice(0)
    this.conversations.clear()
    this.messages.clear()
    this.forward()
    const listeners = [...this.flushedListeners]
    this.flushedListeners.clear()
    this.publishing = this.publishing.then(async () => {
      try {
        if (this.events.hasSubscribers()) await this.publish(conversations, messages, removals)
      } catch (error) {
        // The database went away mid-flush: subscribers catch up from the change log when they resync.
        log.error('publishing changes failed', { error: error instanceof Error ? error.message : String(error) })
      } finally {
        for (const listener of listeners) listener()
      }
    })
    return this.publishing
  }

  /** Tells the other instances what this process changed (they read it committed: changes are announced after commit). */
  private forward(): void {
    const { conversations, messages, removals } = this.outgoing
    this.outgoing = { conversations: new Set(), messages: new Map(), removals: [] }
    if (!this.cluster || conversations.size + messages.size + removals.length === 0) return
    this.cluster.signal({
      kind: 'changes',
      conversations: [...conversations],
      messages: [...messages].map(([id, conversationId]) => (conversationId ? { id, conversationId } : { id })),
      removals,
    })
  }

  private async publish(
    conversations: string[],
    messages: string[],
    removals: Array<{ conversationId: string; userId: string }>,
  ): Promise<void> {
    const subscribed = new Set(this.events.subscribedUsers())
    const audience = new Map<string, string[]>()
    const audienceOf = async (conversationId: string) => {
      let users = audience.get(conversationId)
      if (!users) {
        users = (await this.store.conversations.participantUserIds(conversationId)).filter((u) => subscribed.has(u))
        audience.set(conversationId, users)
      }
      return users
    }
    for (const { conversationId, userId } of removals) this.events.publishHere([userId], 'conversations:removed', { id: conversationId })
    const now = this.now()
    for (const id of conversations) {
      for (const [userId, view] of await loadConversationFor(this.store, id, await audienceOf(id), now)) {
        this.events.publishHere([userId], 'conversations:changed', view)
      }
    }
    const rows = []
    for (const id of messages) {
      const row = await this.store.messages.getMessageRow(id)
      if (row) rows.push(row)
    }
    for (const message of await loadMessages(this.store, rows)) {
      this.events.publishHere(await audienceOf(message.conversationId), 'messages:changed', message)
    }
  }
}
