import type { ConsentState, ConversationState } from './types'
import { isWindowOpen } from './window'

export interface ConversationStateInput {
  consent: ConsentState
  /** The WhatsApp user's last inbound message, if they ever wrote. */
  lastInboundAt?: number
  now: number
  /** True once the last participant left. */
  ended: boolean
}

/** The state a WhatsApp conversation shows. An ended thread stays ended whatever its consent. */
export function deriveConversationState(input: ConversationStateInput): ConversationState {
  if (input.ended) return 'ended'
  switch (input.consent) {
    case 'not_on_whatsapp':
      return 'not_on_whatsapp'
    case 'revoked':
    case 'declined':
      return 'opted_out'
    case 'none':
      // Guest-first: they wrote, so the window they opened can be answered (the send policy
      // still holds replies when the org requires an explicit opt-in).
      return isWindowOpen(input.lastInboundAt, input.now) ? 'active' : 'awaiting_consent'
    case 'requested':
      return 'awaiting_consent'
    case 'granted':
      return isWindowOpen(input.lastInboundAt, input.now) ? 'active' : 'inactive'
  }
}

// The words for these states are written once, in shared/policy-texts, which the renderer uses too.
export { formatRemaining, stateBannerText, type StateBannerInput } from '../../shared/policy-texts'
