import type { Db } from '../db/open'
import type { Contact } from '../../shared/domain'
import { getMessageRow } from '../db/repositories/messages'
import { participantUserIds } from '../db/repositories/conversations'
import type { EventHub } from '../events'
import { conversationFor, toMessages } from './views'

/**
 * Collects what changed during a burst of work (a webhook batch, a release of 1,000 held
 * messages) and publishes each conversation and message once, built for each subscribed
 * participant, on the next turn of the event loop.
 */
export class ChangeFeed {
  private readonly conversations = new Set<string>()
  private readonly messages = new Set<string>()
  private readonly removals: Array<{ conversationId: string; userId: string }> = []
  private scheduled = false
  private readonly flushedListeners = new Set<() => void>()

  constructor(
    private readonly db: Db,
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
    if (!this.scheduled) return Promise.resolve()
    return new Promise((resolve) => this.flushedListeners.add(resolve))
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  flush(): void {
    this.scheduled = false
    const conversations = [...this.conversations]
    const messages = [...this.messages]
    const removals = this.removals.splice(0)
    this.conversations.clear()
    this.messages.clear()
    const listeners = [...this.flushedListeners]
    this.flushedListeners.clear()
    try {
      if (this.events.hasSubscribers()) this.publish(conversations, messages, removals)
    } finally {
      for (const listener of listeners) listener()
    }
  }

  private publish(conversations: string[], messages: string[], removals: Array<{ conversationId: string; userId: string }>): void {
    const subscribed = new Set(this.events.subscribedUsers())
    const audience = new Map<string, string[]>()
    const audienceOf = (conversationId: string) => {
      let users = audience.get(conversationId)
      if (!users) {
        users = participantUserIds(this.db, conversationId).filter((u) => subscribed.has(u))
        audience.set(conversationId, users)
      }
      return users
    }
    for (const { conversationId, userId } of removals) this.events.publish([userId], 'conversations:removed', { id: conversationId })
    const now = this.now()
    for (const id of conversations) {
      for (const userId of audienceOf(id)) {
        const view = conversationFor(this.db, id, userId, now)
        if (view) this.events.publish([userId], 'conversations:changed', view)
      }
    }
    const rows = messages.flatMap((id) => getMessageRow(this.db, id) ?? [])
    for (const message of toMessages(this.db, rows)) {
      this.events.publish(audienceOf(message.conversationId), 'messages:changed', message)
    }
  }
}
