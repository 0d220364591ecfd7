import type { Contact, Conversation, Message } from '../domain'

/**
 * Catch-up for team clients (answered by the team server, not part of the desktop's IPC):
 * `sync:changes { since, limit? }` returns the user's view of everything that changed after
 * change number `since`, each entity once, in its current state. `since: 0` (a new device) or a
 * cursor older than what the server keeps answers with a snapshot instead (`snapshot: true`):
 * the user's conversations, the newest messages of each, and the contacts.
 */
export const SYNC_CHANNEL = 'sync:changes'

export interface SyncRequest {
  since: number
  /** Changes read per answer (default and maximum 5,000): 1,000 missed events are one request. */
  limit?: number
  /** Snapshot only: how many of each conversation's newest messages to include (default 50). */
  window?: number
}

export interface SyncValue {
  /** Give this as `since` next time. */
  cursor: number
  /** The store should replace what it holds with this (not merge). */
  snapshot: boolean
  /** More changes wait: ask again with the new cursor. */
  more: boolean
  conversations: Conversation[]
  /** Conversations this user can no longer see (left, removed, transferred away). */
  removedConversations: string[]
  messages: Message[]
  contacts: Contact[]
  removedContacts: string[]
}

export const SYNC_LIMIT_MAX = 5000
