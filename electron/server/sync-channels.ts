import { z } from 'zod'
import type { MessageRow } from '../core/db/repositories/messages'
import type { Engine } from '../core/engine'
import { loadMessages } from '../core/services/views'
import { fail, ok, type Result } from '../shared/api/result'
import { SYNC_CHANNEL, SYNC_LIMIT_MAX, type SyncValue } from '../shared/api/sync'
import type { Contact, Conversation, Message } from '../shared/domain'

const request = z
  .object({
    since: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(SYNC_LIMIT_MAX).optional(),
    window: z.number().int().min(1).max(500).optional(),
  })
  .strict()

type HostChannel = (payload: unknown, userId: string | undefined) => Promise<Result<unknown>>

/**
 * `sync:changes`: the server's durable event sequence for team clients that were away. One
 * answer covers up to 5,000 changes, coalesced per entity and built for the asking user through
 * the engine's own access checks (a conversation they cannot read is reported removed, its
 * messages left out).
 */
export function createSyncChannels(engine: Pick<Engine, 'store' | 'dispatch'>): Record<string, HostChannel> {
  const call = async <T>(userId: string, channel: string, payload: unknown): Promise<T | undefined> => {
    const result = await engine.dispatch({ userId }, channel, payload)
    return result.ok ? (result.value as T) : undefined
  }

  const snapshot = async (userId: string, window: number): Promise<SyncValue> => {
    const cursor = await engine.store.changeLog.latestChangeSeq()
    const conversations = (await call<Conversation[]>(userId, 'conversations:list', {})) ?? []
    const messages: Message[] = []
    for (const conversation of conversations) {
      messages.push(...((await call<Message[]>(userId, 'messages:list', { conversationId: conversation.id, limit: window })) ?? []))
    }
    const contacts = (await call<Contact[]>(userId, 'contacts:list', {})) ?? []
    return { cursor, snapshot: true, more: false, conversations, removedConversations: [], messages, contacts, removedContacts: [] }
  }

  const changes = async (userId: string, since: number, limit: number): Promise<SyncValue> => {
    const rows = await engine.store.changeLog.changesSince(since, limit)
    const cursor = rows.at(-1)?.seq ?? since
    const ids = { message: new Set<string>(), conversation: new Set<string>(), contact: new Set<string>() }
    for (const row of rows) ids[row.kind].add(row.entity_id)

    const contacts: Contact[] = []
    const removedContacts: string[] = []
    for (const id of ids.contact) {
      const contact = await call<Contact>(userId, 'contacts:get', { id })
      if (contact) contacts.push(contact)
      else removedContacts.push(id)
      // Consent and the reply window show in the contact's conversations.
      for (const conversation of (await call<Conversation[]>(userId, 'conversations:list', { contactId: id })) ?? []) {
        ids.conversation.add(conversation.id)
      }
    }

    const readable = new Map<string, boolean>()
    const mayRead = async (conversationId: string) => {
      let allowed = readable.get(conversationId)
      if (allowed === undefined) readable.set(conversationId, (allowed = await engine.store.conversations.canRead(conversationId, userId)))
      return allowed
    }
    const messageRows: MessageRow[] = []
    for (const id of ids.message) {
      const row = await engine.store.messages.getMessageRow(id)
      if (row && row.kind !== 'reaction' && (await mayRead(row.conversation_id))) messageRows.push(row)
    }

    const conversations: Conversation[] = []
    const removedConversations: string[] = []
    for (const id of ids.conversation) {
      const conversation = await call<Conversation>(userId, 'conversations:get', { id })
      if (conversation) conversations.push(conversation)
      else removedConversations.push(id)
    }
    return {
      cursor,
      snapshot: false,
      more: rows.length === limit,
      conversations,
      removedConversations,
      messages: await loadMessages(engine.store, messageRows),
      contacts,
      removedContacts,
    }
  }

  return {
    [SYNC_CHANNEL]: async (payload, userId) => {
      if (!userId) return fail('forbidden', 'Sign in first')
      const parsed = request.safeParse(payload ?? {})
      if (!parsed.success) return fail('invalid', 'Send { "since": <change number>, "limit"?: 1…5000 }')
      const { since, limit = SYNC_LIMIT_MAX, window = 50 } = parsed.data
      // A cursor older than the log keeps (or a new device) gets the current state instead.
      const oldest = await engine.store.changeLog.oldestChangeSeq()
      if (since === 0 || (oldest > 0 && since < oldest - 1) || since > (await engine.store.changeLog.latestChangeSeq())) {
        return ok(await snapshot(userId, window))
      }
      return ok(await changes(userId, since, limit))
    },
  }
}
