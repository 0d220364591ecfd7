import type { SkippedLine, WireText } from './api/engine-text'
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
  /** The language they read, as WhatsApp codes it (`pt_BR`, `es`): the opt-in request's translation. */
  language?: string
  notOnWhatsApp?: boolean
  createdAt: number
  updatedAt: number
}

// Enums that are stored or cross the API are defined once, here, as `as const` arrays: the type is
// derived from the array, the contract's zod schemas use `z.enum(ARRAY)`, and migration 0020's
// checks are built from the same arrays, so a new value is one edit.

export const CHANNELS = ['whatsapp', 'sms', 'voicemail'] as const
export type Channel = (typeof CHANNELS)[number]

/** What a conversation shows in its header (API.md `Conversation.state`). */
export const CONVERSATION_STATES = ['awaiting_consent', 'active', 'inactive', 'opted_out', 'not_on_whatsapp', 'ended'] as const
export type ConversationState = (typeof CONVERSATION_STATES)[number]

/** Where one WhatsApp user stands on receiving messages from the organisation (API.md `Conversation.consent`). */
export const CONSENT_STATES = ['none', 'requested', 'granted', 'declined', 'revoked', 'not_on_whatsapp'] as const
export type ConsentState = (typeof CONSENT_STATES)[number]

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
  /**
   * Set on an open thread that will not receive the contact's replies: they land in this other
   * open thread (with these colleagues) until someone writes from here again.
   */
  repliesGoTo?: { conversationId: string; participantNames: string[] }
  /** The engine's clock when this view was built (it can run ahead of the computer's, in the sandbox). */
  asOf: number
}

export const MESSAGE_DIRECTIONS = ['in', 'out', 'system'] as const
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number]

export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'button',
  'interactive',
  'reaction',
  'template',
  'voicemail',
  'system',
  'unsupported',
] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]

export const MESSAGE_STATUSES = ['held', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'received'] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

/** Why an outbound message waits instead of being sent (API.md `Message.holdReason`). */
export const HOLD_REASONS = ['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp', 'account_paused'] as const
export type HoldReason = (typeof HOLD_REASONS)[number]

/** Where a message's media bytes are: in the media store, still downloading, or lost. */
export const MEDIA_STATES = ['ready', 'downloading', 'failed'] as const
export type MediaState = (typeof MEDIA_STATES)[number]

export interface MessageMedia {
  mimeType?: string
  caption?: string
  filename?: string
  size?: number
  width?: number
  height?: number
  /** 'ready' once the bytes are in the media store; inbound media may still be downloading. */
  state: MediaState
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
  /** `error` as a code a window translates, when this version has words for it. */
  errorText?: WireText
  errorCode?: number
  createdAt: number
  updatedAt: number
  /** When WhatsApp (or the SMS provider) took it: later than `createdAt` for a message that was held. */
  sentAt?: number
  providerId?: string
  /** The quoted message (inbound replies with context). */
  replyTo?: { messageId?: string; providerId?: string; text?: string }
  /** Reactions on this message, newest first. */
  reactions?: Array<{ emoji: string; /** 'contact', or the office user's id */ by: string; at: number }>
  /** Extra data for some kinds (location, shared contacts, transcript…), plain JSON. */
  extra?: Record<string, unknown>
  /**
   * Team mode: the window's stand-in this message takes the place of (`outbox:<clientId>`, a
   * message written offline), set by the desktop when the server confirmed it. Never stored.
   */
  replaces?: string
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
  /** Each skipped line with its reason in English and as a code (`text`) the window translates. */
  skipped: SkippedLine[]
}

/**
 * The business number's health (`account:health`, event `account:changed`): while WhatsApp refuses
 * the whole account (368 restriction, 131031 lock, 190 expired token, 131042 payment, …) sending
 * is paused and WhatsApp messages wait held with `account_paused`.
 */
export interface AccountHealthView {
  paused: boolean
  /** Meta's error code that paused it. */
  code?: number
  /** What happened, in words an office user reads. */
  reason?: string
  /** `reason` as a code a window translates, when this version has words for it. */
  reasonText?: WireText
  since?: number
  /** When Greenline next asks WhatsApp whether the account works again. */
  nextCheckAt?: number
}

/** The template that asks for consent, as admins see it (`templates:optIn`, `templates:setOptIn`). */
export interface OptInTemplateView {
  name: string
  /** `admin`: chosen in Administration (audited); `settings`: the configured default. */
  source: 'admin' | 'settings'
  chosenBy?: string
  chosenAt?: number
  /** Its translations WhatsApp approved: each contact gets the best match for their language. */
  approvedLanguages: string[]
  /** The organization policy's `defaultLanguage`, for contacts without one of their own. */
  defaultLanguage?: string
  /** Why it cannot ask for consent as it is (no approved translation, wrong variables or buttons), in English. */
  problem?: string
  /** The same as a code and values (engine-text.ts), for the admin's language. */
  problemText?: WireText
}

/** One message template of the business account, as WhatsApp Manager holds it (`templates:list`). */
export interface MessageTemplate {
  name: string
  language: string
  /** `APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, `PENDING`, … as Meta reports it. */
  status: string
  category: string
  /** WhatsApp's quality rating (`GREEN`, `YELLOW`, `RED`) once a quality webhook reported one. */
  quality?: string
  /** The body text with its `{{1}}` variables, when it has a body. */
  body?: string
  /** The labels of its quick-reply buttons, in order (the opt-in template needs Yes and No). */
  quickReplies?: string[]
}
