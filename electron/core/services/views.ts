import type { Conversation, Message, MessageDirection, Participant } from '../../shared/domain'
import type { ConversationRow, ParticipantRow } from '../db/repositories/conversations'
import type { MessageRow } from '../db/repositories/messages'
import type { Store } from '../db/store'
import { deriveConversationState } from '../policy/conversation-state'
import { windowClosesAt } from '../policy/window'
import { markReplyRouting } from './reply-routing'
import type { ConsentState } from '../policy/types'
import { storedReasonText } from '../../shared/api/engine-text'

/** Row → DTO mapping for what crosses the API. */

const PREVIEW: Record<string, string> = {
  image: '📷 Photo',
  video: '🎬 Video',
  audio: '🎤 Audio',
  voicemail: '📞 Voicemail',
  document: '📄 Document',
  sticker: 'Sticker',
  location: '📍 Location',
  contacts: '👤 Contact card',
  unsupported: 'Unsupported message',
}

export function previewText(kind: string, body: string | null): string {
  if (body) return body.length > 140 ? `${body.slice(0, 140)}…` : body
  return PREVIEW[kind] ?? ''
}

/** Many conversations at once: participants fetched in one query rather than one per row. */
export async function loadConversations(store: Store, rows: readonly ConversationRow[], now: number): Promise<Conversation[]> {
  const participants = await store.conversations.currentParticipantsOf(rows.map((r) => r.id))
  return markReplyRouting(
    store,
    rows.map((row) => toConversation(row, now, participants.get(row.id) ?? [])),
  )
}

/** One conversation as `userId` sees it (their unread count), or undefined when there is none. */
export async function loadConversation(store: Store, id: string, userId: string, now: number): Promise<Conversation | undefined> {
  const row = await store.conversations.getConversationRow(id, userId)
  return row && (await loadConversations(store, [row], now))[0]
}

/**
 * One conversation as each of `userIds` sees it, loaded once: only the unread count differs, and
 * a current participant's is on their participant row. Someone no longer taking part is loaded on
 * their own. Users it does not exist for are left out.
 */
export async function loadConversationFor(
  store: Store,
  id: string,
  userIds: readonly string[],
  now: number,
): Promise<Map<string, Conversation>> {
  const views = new Map<string, Conversation>()
  const [first] = userIds
  const row = first === undefined ? undefined : await store.conversations.getConversationRow(id, first)
  if (!row) return views
  const current = (await store.conversations.currentParticipantsOf([id])).get(id) ?? []
  const [shared] = await markReplyRouting(store, [toConversation(row, now, current)])
  const unread = new Map(current.map((p) => [p.user_id, p.unread]))
  for (const userId of userIds) {
    const theirs = unread.get(userId)
    if (userId === first) views.set(userId, shared)
    else if (theirs !== undefined) views.set(userId, { ...shared, unread: theirs })
    else {
      const own = await loadConversation(store, id, userId, now)
      if (own) views.set(userId, own)
    }
  }
  return views
}

/** A conversation row and its current participants as the API shows them. */
export function toConversation(row: ConversationRow, now: number, current: readonly ParticipantRow[]): Conversation {
  const consent = (row.consent ?? 'none') as ConsentState
  const lastInboundAt = row.last_inbound_at ?? undefined
  const state =
    row.channel === 'whatsapp'
      ? deriveConversationState({ consent, lastInboundAt, now, ended: row.ended_at !== null })
      : row.ended_at !== null
        ? 'ended'
        : 'active'
  const participants: Participant[] = current.map((p) => ({
    userId: p.user_id,
    name: p.name,
    joinedAt: p.joined_at,
  }))
  const conversation: Conversation = {
    id: row.id,
    contactId: row.contact_id,
    contactName: row.contact_name,
    channel: row.channel,
    state,
    consent: row.channel === 'whatsapp' ? consent : 'none',
    participants,
    unread: row.unread ?? 0,
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
    asOf: now,
  }
  if (row.channel === 'whatsapp' && lastInboundAt !== undefined) {
    conversation.lastInboundAt = lastInboundAt
    conversation.windowClosesAt = windowClosesAt(lastInboundAt)
  }
  if (row.ended_at !== null) conversation.endedAt = row.ended_at
  if (row.last_at !== null && row.last_kind !== null) {
    conversation.lastMessage = {
      text: previewText(row.last_kind, row.last_body),
      direction: (row.last_direction ?? 'in') as MessageDirection,
      at: row.last_at,
    }
  }
  return conversation
}

/** Message rows as the API shows them, with their reactions and the texts they quote. */
export async function loadMessages(store: Store, rows: readonly MessageRow[]): Promise<Message[]> {
  const reactions = await store.messages.reactionsFor(rows.map((r) => r.id))
  const quotes = await store.messages.bodiesByProviderId(quotedIds(rows))
  return withRelated(rows, reactions, quotes)
}

function quotedIds(rows: readonly MessageRow[]): string[] {
  return rows.flatMap((r) => (r.reply_to_provider_id ? [r.reply_to_provider_id] : []))
}

function withRelated(
  rows: readonly MessageRow[],
  reactions: Awaited<ReturnType<Store['messages']['reactionsFor']>>,
  quotes: Awaited<ReturnType<Store['messages']['bodiesByProviderId']>>,
): Message[] {
  return rows.map((row) => {
    const message = toMessage(row)
    const list = reactions.get(row.id)
    if (list) message.reactions = list
    if (row.reply_to_provider_id) {
      const quoted = quotes.get(row.reply_to_provider_id)
      message.replyTo = {
        providerId: row.reply_to_provider_id,
        ...(quoted ? { messageId: quoted.id, text: previewText(quoted.kind, quoted.body) } : {}),
      }
    }
    return message
  })
}

export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    seq: row.seq,
    conversationId: row.conversation_id,
    direction: row.direction,
    kind: row.kind,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
  if (row.author_id) message.authorId = row.author_id
  if (row.author_name) message.authorName = row.author_name
  if (row.body !== null) message.text = row.body
  if (row.media_id) message.mediaId = row.media_id
  if (row.media_state) {
    const extra = row.extra ? (JSON.parse(row.extra) as Record<string, unknown>) : {}
    message.media = {
      state: row.media_state,
      ...(row.media_mime ? { mimeType: row.media_mime } : typeof extra.mimeType === 'string' ? { mimeType: extra.mimeType } : {}),
      ...(row.media_size ? { size: row.media_size } : {}),
      ...(row.media_width ? { width: row.media_width, height: row.media_height ?? 0 } : {}),
      ...(typeof extra.caption === 'string' ? { caption: extra.caption } : {}),
      ...(typeof extra.filename === 'string' ? { filename: extra.filename } : {}),
      ...(typeof extra.durationMs === 'number' ? { durationMs: extra.durationMs } : {}),
      ...(row.media_thumbnail_id ? { thumbnailId: row.media_thumbnail_id } : {}),
    }
  }
  if (row.hold_reason && row.status === 'held') message.holdReason = row.hold_reason
  if (row.error) message.error = row.error
  const errorText = storedReasonText(row.error_code, row.error)
  if (errorText) message.errorText = errorText
  if (row.error_code !== null) message.errorCode = row.error_code
  if (row.provider_id) message.providerId = row.provider_id
  if (row.sent_at !== null) message.sentAt = row.sent_at
  if (row.extra) message.extra = JSON.parse(row.extra) as Record<string, unknown>
  return message
}
