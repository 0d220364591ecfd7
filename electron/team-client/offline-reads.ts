import { ok, type Result } from '../shared/api/result'
import type { Contact, Conversation, Message } from '../shared/domain'
import type { TeamClient } from './team-client'

type LocalSource = Pick<TeamClient, 'conversations' | 'messages' | 'contacts' | 'lastSession'>
type Payload = Record<string, unknown>

/** The contract's page sizes when a request names none (as the engine's). */
const CONVERSATION_PAGE = 100
const MESSAGE_PAGE = 50

/**
 * What the device holds, answered in the contract's shapes, for the reads a window makes as it
 * opens: who this is, the conversation list, a thread's recent messages, the contacts. Used only
 * while the server cannot be reached; `undefined` means "not held here" (the caller then answers
 * that it is not connected). Writes never come here: they need the server.
 */
export function readLocally(client: LocalSource, channel: string, payload: unknown): Result<unknown> | undefined {
  const input = (payload && typeof payload === 'object' ? payload : {}) as Payload
  switch (channel) {
    case 'session:get': {
      const session = client.lastSession()
      return session === undefined ? undefined : ok(session)
    }
    case 'conversations:list':
      return ok(conversationsPage(client.conversations(), input))
    case 'conversations:get': {
      const found = client.conversations().find((c) => c.id === input.id)
      return found ? ok(found) : undefined
    }
    case 'messages:list':
      return ok(messagesPage(client, input))
    case 'contacts:list':
      return ok(matchingContacts(client.contacts(), input.query))
    case 'contacts:get': {
      const found = client.contacts().find((c) => c.id === input.id)
      return found ? ok(found) : undefined
    }
    default:
      return undefined
  }
}

function conversationsPage(all: Conversation[], input: Payload): Conversation[] {
  let list = all
    .filter((c) => input.channel === undefined || c.channel === input.channel)
    .filter((c) => input.unread !== true || c.unread > 0)
    .filter((c) => input.contactId === undefined || c.contactId === input.contactId)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt)
  if (typeof input.cursor === 'string') {
    // `${lastActivityAt}:${id}` of the previous page's last row: continue after it.
    const split = input.cursor.indexOf(':')
    const at = Number(input.cursor.slice(0, split))
    const id = input.cursor.slice(split + 1)
    const index = list.findIndex((c) => c.id === id)
    list = index >= 0 ? list.slice(index + 1) : list.filter((c) => c.lastActivityAt < at)
  }
  return list.slice(0, typeof input.limit === 'number' ? input.limit : CONVERSATION_PAGE)
}

function messagesPage(client: LocalSource, input: Payload): Message[] {
  const limit = typeof input.limit === 'number' ? input.limit : MESSAGE_PAGE
  const held = client.messages(String(input.conversationId), Number.MAX_SAFE_INTEGER)
  const before = typeof input.before === 'number' ? input.before : undefined
  const older = before === undefined ? held : held.filter((m) => m.seq < before)
  return older.slice(-limit)
}

function matchingContacts(all: Contact[], query: unknown): Contact[] {
  const wanted = typeof query === 'string' ? query.trim().toLowerCase() : ''
  if (!wanted) return all
  return all.filter((c) => [c.name, c.phone, c.company, c.email].some((field) => field?.toLowerCase().includes(wanted)))
}
