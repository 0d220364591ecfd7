/** Data that crosses the API boundary. Field names camelCase, times epoch ms, ids strings. */

export interface OrgUser {
  id: string
  name: string
  extension?: string
}

export interface Organization {
  name: string
  whatsappEnabled: boolean
  sandbox: boolean
  sandboxUrl?: string
}

export interface Session {
  user: OrgUser
  org: Organization
}

export interface Contact {
  id: string
  name: string
  phone?: string
  company?: string
  email?: string
  waId?: string
  userId?: string
  notOnWhatsApp?: boolean
  createdAt: number
  updatedAt: number
}

export type Channel = 'whatsapp' | 'sms' | 'voicemail'

export type ConversationState =
  | 'awaiting_consent'
  | 'active'
  | 'inactive'
  | 'opted_out'
  | 'not_on_whatsapp'
  | 'ended'

export type ConsentState = 'none' | 'requested' | 'granted' | 'declined' | 'revoked' | 'not_on_whatsapp'

export interface Participant {
  userId: string
  name: string
  joinedAt: number
  leftAt?: number
}

export interface Conversation {
  id: string
  contactId: string
  contactName: string
  channel: Channel
  state: ConversationState
  consent: ConsentState
  windowClosesAt?: number
  lastInboundAt?: number
  participants: Participant[]
  unread: number
  lastMessage?: { text: string; direction: MessageDirection; at: number }
  lastActivityAt: number
  createdAt: number
  endedAt?: number
  /** The engine's clock when this view was built (it can run ahead of the computer's, in the sandbox). */
  asOf: number
}

export type MessageDirection = 'in' | 'out' | 'system'

export type MessageKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contacts'
  | 'button'
  | 'interactive'
  | 'reaction'
  | 'template'
  | 'voicemail'
  | 'system'
  | 'unsupported'

export type MessageStatus =
  | 'held'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'failed'
  | 'cancelled'
  | 'received'

export type HoldReason = 'awaiting_consent' | 'awaiting_reply' | 'opted_out' | 'not_on_whatsapp'

export interface MessageMedia {
  mimeType?: string
  caption?: string
  filename?: string
  size?: number
  width?: number
  height?: number
  /** 'ready' once the bytes are in the media store; inbound media may still be downloading. */
  state: 'ready' | 'downloading' | 'failed'
  durationMs?: number
  /** A small JPEG preview in the media store, for pictures. */
  thumbnailId?: string
}

export interface Message {
  id: string
  /** Position in the global message sequence: the paging cursor for `messages:list { before }`. */
  seq: number
  conversationId: string
  direction: MessageDirection
  authorId?: string
  authorName?: string
  kind: MessageKind
  text?: string
  mediaId?: string
  media?: MessageMedia
  status: MessageStatus
  holdReason?: HoldReason
  error?: string
  errorCode?: number
  createdAt: number
  updatedAt: number
  providerId?: string
  /** The quoted message (inbound replies with context). */
  replyTo?: { messageId?: string; providerId?: string; text?: string }
  /** Reactions on this message, newest first. */
  reactions?: Array<{ emoji: string; /** 'contact', or the office user's id */ by: string; at: number }>
  /** Extra data for some kinds (location, shared contacts, transcript…), plain JSON. */
  extra?: Record<string, unknown>
}

export interface SearchHit {
  message: Message
  conversationId: string
  snippet: string
  /** Character ranges of `snippet` that matched: render as <mark> without HTML. */
  highlights: Array<[number, number]>
  /** The thread the hit is in: `ended` threads are read-only; `current` is false once you left it. */
  thread: { contactName: string; channel: Channel; ended: boolean; current: boolean }
}

export interface ImportSummary {
  imported: number
  skipped: Array<{ line: number; reason: string }>
}
