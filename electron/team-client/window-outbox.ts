import { requestChannels } from '../shared/api/contract'
import { fail, ok, type Result } from '../shared/api/result'
import type { Message } from '../shared/domain'
import { outboxClientId, outboxMessageId } from '../shared/offline-outbox'
import { ClientIdTaken, type OutboxEntry } from './outbox'
import type { TeamClient } from './team-client'

export type OutboxClient = Pick<TeamClient, 'send' | 'retry' | 'cancel' | 'outbox' | 'outboxEntry' | 'takeHeldPicture' | 'userId'>

/** Where the window's offline messages sit in a thread: after every message the server numbered. */
const WAITING_SEQ = Number.MAX_SAFE_INTEGER - 1

/**
 * An outbox entry as the window shows it: a message of the thread, `queued` while it waits for the
 * connection ("waiting for connection"), `failed` with the server's words when it refused it.
 */
export function outboxMessage(entry: OutboxEntry): Message {
  const picture = entry.picture !== undefined || entry.mediaId !== undefined
  return {
    id: outboxMessageId(entry.clientId),
    seq: WAITING_SEQ,
    conversationId: entry.conversationId,
    direction: 'out',
    authorId: entry.userId,
    kind: picture ? 'image' : 'text',
    ...(entry.text !== undefined ? { text: entry.text } : {}),
    ...(picture ? { media: { state: 'ready' as const, ...(entry.caption !== undefined ? { caption: entry.caption } : {}) } } : {}),
    status: entry.state === 'failed' ? 'failed' : entry.state === 'sent' ? 'sent' : 'queued',
    ...(entry.error !== undefined ? { error: entry.error } : {}),
    createdAt: entry.createdAt,
    updatedAt: entry.createdAt,
  }
}

/**
 * A window's `messages:send` that cannot reach the server now: written to the device's outbox
 * under the window's own clientId (so the server, which deduplicates by it, gets it once however
 * often it is sent), and answered as a waiting message. A picture the window uploaded offline
 * (held by the client) goes into the outbox with its bytes. Bad input is refused as the server
 * would refuse it, before anything is written.
 */
export function queueFromWindow(client: OutboxClient, payload: unknown, pictureBytes?: Uint8Array): Result<Message> {
  const parsed = requestChannels['messages:send'].request.safeParse(payload)
  if (!parsed.success) return fail('invalid', parsed.error.issues[0]?.message ?? 'Invalid request')
  const input = parsed.data
  try {
    const entry = client.send({
      conversationId: input.conversationId,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.caption !== undefined ? { caption: input.caption } : {}),
      ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
      ...(pictureBytes ? { picture: { name: 'picture', bytes: pictureBytes } } : input.mediaId ? { mediaId: input.mediaId } : {}),
    })
    return ok(outboxMessage(entry))
  } catch (error) {
    if (error instanceof ClientIdTaken) return fail('conflict', error.message)
    throw error
  }
}

/**
 * `messages:retry` / `messages:cancel` on a message the window got from the outbox: answered by
 * the outbox (the server never saw it). Undefined when the id is the server's.
 */
export function outboxAction(client: OutboxClient, channel: string, payload: unknown): Result<Message> | undefined {
  if (channel !== 'messages:retry' && channel !== 'messages:cancel') return undefined
  const id = payload && typeof payload === 'object' ? (payload as { id?: unknown }).id : undefined
  const clientId = typeof id === 'string' ? outboxClientId(id) : undefined
  if (clientId === undefined) return undefined
  const entry = client.outboxEntry(clientId)
  if (!entry || entry.state === 'sent') return fail('not_found', 'This message is no longer waiting to be sent')
  if (channel === 'messages:cancel') {
    client.cancel(clientId)
    return ok({ ...outboxMessage(entry), status: 'cancelled' })
  }
  if (entry.state !== 'failed') return ok(outboxMessage(entry))
  client.retry(clientId)
  return ok(outboxMessage(client.outboxEntry(clientId) ?? entry))
}

/** A thread's newest page with this user's unsent messages of that thread after it. */
export function withWaitingMessages(client: OutboxClient, conversationId: string, page: Message[]): Message[] {
  const waiting = client
    .outbox()
    .filter((entry) => entry.conversationId === conversationId)
    .map(outboxMessage)
  return waiting.length === 0 ? page : [...page, ...waiting]
}
