/** Where one WhatsApp user stands on receiving messages from the organisation (API.md `Conversation.consent`). */
export type ConsentState = 'none' | 'requested' | 'granted' | 'declined' | 'revoked' | 'not_on_whatsapp'

/** What a conversation shows in its header (API.md `Conversation.state`). */
export type ConversationState =
  | 'awaiting_consent'
  | 'active'
  | 'inactive'
  | 'opted_out'
  | 'not_on_whatsapp'
  | 'ended'

/** Why an outbound message waits instead of being sent (API.md `Message.holdReason`). */
export type HoldReason = 'awaiting_consent' | 'awaiting_reply' | 'opted_out' | 'not_on_whatsapp'

/** What a WhatsApp user's reply means for consent; `null` when it means nothing for consent. */
export type ReplyClassification = 'affirm' | 'decline' | 'stop' | 'restart'

/** Outbound message kinds the policy tells apart: approved templates ignore the 24-hour window. */
export type SendKind = 'template' | 'freeform'

export const CONSENT_STATES: readonly ConsentState[] = [
  'none',
  'requested',
  'granted',
  'declined',
  'revoked',
  'not_on_whatsapp',
]

export const CONVERSATION_STATES: readonly ConversationState[] = [
  'awaiting_consent',
  'active',
  'inactive',
  'opted_out',
  'not_on_whatsapp',
  'ended',
]

export const HOLD_REASONS: readonly HoldReason[] = ['awaiting_consent', 'awaiting_reply', 'opted_out', 'not_on_whatsapp']
