import type { ProviderStatus } from './status-order'

/** An error object as webhooks carry it (`value.errors`, `messages[].errors`, `statuses[].errors`). */
export interface WebhookError {
  code: number
  title?: string
  message?: string
  details?: string
  href?: string
}

export type InboundKind =
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
  | 'system'
  | 'order'
  | 'unsupported'

export interface InboundMedia {
  id: string
  mimeType: string
  sha256?: string
  caption?: string
  filename?: string
  url?: string
  voice?: boolean
  animated?: boolean
}

export interface InboundLocation {
  latitude: number
  longitude: number
  name?: string
  address?: string
  url?: string
}

/** A contact card the person shared (not the sender's own profile). */
export interface SharedContact {
  formattedName?: string
  firstName?: string
  lastName?: string
  organization?: string
  phones: { phone?: string; waId?: string; type?: string }[]
  emails: { email?: string; type?: string }[]
}

export interface InboundContext {
  /** The wamid of the message this one replies to (or the template a button belongs to). */
  providerId?: string
  from?: string
  forwarded?: boolean
  frequentlyForwarded?: boolean
}

export interface InboundSystem {
  type: string
  newWaId?: string
  userId?: string
  previousUserId?: string
  parentUserId?: string
  body?: string
}

export interface InboundReferral {
  sourceUrl?: string
  sourceId?: string
  sourceType?: string
  headline?: string
  body?: string
  ctwaClid?: string
}

export interface InboundMessage {
  providerId: string
  fromWaId?: string
  fromUserId?: string
  profileName?: string
  username?: string
  /** Epoch ms. */
  timestamp: number
  kind: InboundKind
  /** For `unsupported`: the type WhatsApp named (`edit`, `poll_creation`, or an unknown top-level type). */
  unsupportedType?: string
  /** What the person wrote: text body, media caption, tapped button or list label, order note. */
  text?: string
  media?: InboundMedia
  location?: InboundLocation
  sharedContacts?: SharedContact[]
  button?: { payload: string; text: string }
  interactive?: { type: string; id: string; title: string; description?: string }
  /** `emoji: null` means the person removed their reaction (key absent or ''). */
  reaction?: { targetProviderId: string; emoji: string | null }
  context?: InboundContext
  system?: InboundSystem
  referral?: InboundReferral
  order?: { catalogId?: string; itemCount: number }
  errors?: WebhookError[]
  phoneNumberId?: string
}

export interface StatusUpdate {
  providerId: string
  status: ProviderStatus
  /** Epoch ms. */
  timestamp: number
  recipientWaId?: string
  recipientUserId?: string
  /** Our message id, echoed from `biz_opaque_callback_data`. */
  bizOpaque?: string
  pricingCategory?: string
  errors?: WebhookError[]
  phoneNumberId?: string
}

/** A system-, app- or account-level error (`value.errors`), not tied to one message. */
export interface AccountError extends WebhookError {
  phoneNumberId?: string
}

export interface UserPreference {
  waId?: string
  userId?: string
  value: 'stop' | 'resume'
  category: string
  /** Epoch ms. */
  timestamp: number
  phoneNumberId?: string
}

/** The sender profile from `value.contacts` (not a shared contact card). */
export interface ContactInfo {
  waId?: string
  userId?: string
  parentUserId?: string
  profileName?: string
  username?: string
  phoneNumberId?: string
}

/** A template's state or quality rating changed in WhatsApp Manager. */
export interface TemplateUpdate {
  name: string
  /** Absent when Meta did not say: every language of the template. */
  language?: string
  /** `APPROVED`, `PAUSED`, `DISABLED`, `REJECTED`, … (status updates). */
  status?: string
  /** `GREEN`, `YELLOW`, `RED`, … (quality updates). */
  quality?: string
}

/** An item that could not be used, with where it was; the raw payload stays in `webhook_events`. */
export interface SkippedItem {
  path: string
  reason: string
}

export interface WebhookBatch {
  messages: InboundMessage[]
  statuses: StatusUpdate[]
  accountErrors: AccountError[]
  preferences: UserPreference[]
  contacts: ContactInfo[]
  /** `message_template_status_update` (status) and `message_template_quality_update` (quality) changes. */
  templateUpdates: TemplateUpdate[]
  /** Changes for fields this parser does not read (e.g. `account_update`). */
  otherChanges: { field: string; wabaId?: string }[]
  skipped: SkippedItem[]
}

export type ParsedWebhook = ({ ok: true } & WebhookBatch) | { ok: false; reason: string }
