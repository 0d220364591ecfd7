// The persisted enums are defined once, in shared/domain (the API contract and the schema use the
// same arrays); the policy re-exports them so its modules read as one vocabulary.
export { CONSENT_STATES, CONVERSATION_STATES, HOLD_REASONS } from '../../shared/domain'
export type { ConsentState, ConversationState, HoldReason } from '../../shared/domain'

/** What a WhatsApp user's reply means for consent; `null` when it means nothing for consent. */
export type ReplyClassification = 'affirm' | 'decline' | 'stop' | 'restart'

/** Outbound message kinds the policy tells apart: approved templates ignore the 24-hour window. */
export type SendKind = 'template' | 'freeform'
