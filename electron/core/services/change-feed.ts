import type { Contact } from '../../shared/domain'
import type { Store } from '../db/store'
import type { EventHub } from '../events'
import { createLogger } from '../platform/logger'
import { loadConversationFor, loadMessages } from './views'

const log = createLogger('changes')

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
  private readonly removals: Array<{ conversationId: string; userId: string }> = []
  private scheduled = false
  private readonly flushedListeners = new Set<() => void>()
  /** The flush being published (or the last one, settled). */
  private publishing: Promise<void> = Promise.resolve()

  constructor(
    private readonly store: Store,
    private readonly events: EventHub,
    private readonly now: () => number,
  ) {}

  conversation(id: string): void {
    this.conversations.add(id)
    this.schedule()
  }

  message(id: string, conversationId?: string): void {
    this.messages.add(id)
    if (conversationId) this.conversations.add(conversationId)
    this.schedule()
  }

  /** `userId` lost access to the conversation (left, removed, transferred away). */
  removed(conversationId: string, userId: string): void {
    this.removals.push({ conversationId, userId })
    this.schedule()
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
    for (const { conversationId, userId } of removals) this.events.publish([userId], 'conversations:removed', { id: conversationId })
    const now = this.now()
    for (const id of conversations) {
      for (const [userId, view] of await loadConversationFor(this.store, id, await audienceOf(id), now)) {
        this.events.publish([userId], 'conversations:changed', view)
      }
    }
    const rows = []
    for (const id of messages) {
      const row = await this.store.messages.getMessageRow(id)
      if (row) rows.push(row)
    }
    for (const message of await loadMessages(this.store, rows)) {
      this.events.publish(await audienceOf(message.conversationId), 'messages:changed', message)
    }
  }
}
