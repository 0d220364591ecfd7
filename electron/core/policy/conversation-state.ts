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
    case 'requested':
      return 'awaiting_consent'
    case 'granted':
      return isWindowOpen(input.lastInboundAt, input.now) ? 'active' : 'inactive'
  }
}

const MINUTE_MS = 60_000

/**
 * Time left as "5 h 12 min", "5 h" or "12 min". Rounded up to the minute so an open window never
 * reads "0 min".
 */
export function formatRemaining(ms: number): string {
  const totalMinutes = Math.max(1, Math.ceil(ms / MINUTE_MS))
  const hours = Math.floor(totalMinutes / 60)
  const minutes = totalMinutes % 60
  if (hours === 0) return `${minutes} min`
  if (minutes === 0) return `${hours} h`
  return `${hours} h ${minutes} min`
}

export interface StateBannerInput {
  state: ConversationState
  contactName: string
  /** From `windowClosesAt`; needed only for an active conversation's countdown. */
  windowClosesAt?: number
  now: number
  /**
   * The consent behind the state, when known: a declined opt-in and an opt-out share the state
   * `opted_out` but mean different things, and `awaiting_consent` with consent `none` means no
   * request was sent yet.
   */
  consent?: ConsentState
}

/** The one-line banner above a conversation, in plain words. */
export function stateBannerText(input: StateBannerInput): string {
  const { contactName } = input
  switch (input.state) {
    case 'active':
      return input.windowClosesAt === undefined
        ? 'Active'
        : `Active — window closes in ${formatRemaining(input.windowClosesAt - input.now)}`
    case 'inactive':
      return `Inactive — messages will be sent when ${contactName} writes again`
    case 'opted_out':
      return input.consent === 'declined'
        ? `Declined — ${contactName} said no to WhatsApp messages; they can opt in by writing to you`
        : `Opted out — ${contactName} asked not to be contacted`
    case 'not_on_whatsapp':
      return 'Not on WhatsApp — send an SMS instead'
    case 'awaiting_consent':
      return input.consent === 'none'
        ? `Not asked yet — your first message asks ${contactName} to accept WhatsApp messages`
        : `Waiting for consent — messages will be sent once ${contactName} accepts`
    case 'ended':
      return 'Conversation ended — restart it to write again'
  }
}
