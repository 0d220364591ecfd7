import type { ConsentState, Conversation, ConversationState, HoldReason } from './domain'

/**
 * Every sentence the policy shows a person (the banner above a conversation, its chip in the
 * list, the composer's notice, why a message waits), written once. Pure TypeScript with no import
 * but types, so the engine's policy and the renderer (`src/composables/useBanner.ts`) both import
 * it at runtime; the layer rule allows the renderer this one value import from shared.
 */

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

/**
 * The state to show now: the engine computed `state` when it sent the conversation, but an active
 * window closes on its own as time passes without any event.
 */
export function effectiveState(conversation: Pick<Conversation, 'state' | 'windowClosesAt'>, now: number): ConversationState {
  if (conversation.state === 'active' && conversation.windowClosesAt !== undefined && now >= conversation.windowClosesAt) return 'inactive'
  return conversation.state
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

/** Short chip text for the conversation list; `consent` tells a decline from an opt-out. */
export function stateChip(state: ConversationState, consent?: ConsentState): string {
  switch (state) {
    case 'active':
      return 'Active'
    case 'inactive':
      return 'Inactive'
    case 'opted_out':
      return consent === 'declined' ? 'Declined' : 'Opted out'
    case 'not_on_whatsapp':
      return 'Not on WhatsApp'
    case 'awaiting_consent':
      return consent === 'none' ? 'Not asked yet' : 'Waiting for consent'
    case 'ended':
      return 'Ended'
  }
}

/** Plain words for the composer and a held bubble, naming the WhatsApp user. */
export function holdReasonText(reason: HoldReason, contactName: string): string {
  switch (reason) {
    case 'awaiting_consent':
      return `Waiting for ${contactName} to accept the opt-in request`
    case 'awaiting_reply':
      return `Will be sent when ${contactName} writes again (the 24-hour window is closed)`
    case 'opted_out':
      return `${contactName} asked not to be contacted on WhatsApp`
    case 'not_on_whatsapp':
      return `${contactName} is not on WhatsApp — send an SMS instead`
    case 'account_paused':
      return 'WhatsApp is refusing messages from our business number; it will be sent once the account works again'
  }
}

/**
 * What the composer says about sending in this state, or undefined when messages go out now.
 * `disabled` when nothing can be sent at all.
 */
export function composerNotice(
  conversation: Pick<Conversation, 'channel' | 'state' | 'consent' | 'windowClosesAt' | 'contactName'>,
  now: number,
): { text: string; disabled: boolean } | undefined {
  if (conversation.state === 'ended') return { text: 'This conversation has ended; it is read-only.', disabled: true }
  if (conversation.channel !== 'whatsapp') return undefined
  const name = conversation.contactName
  switch (effectiveState(conversation, now)) {
    case 'opted_out':
      return conversation.consent === 'declined'
        ? { text: `You cannot write: ${name} declined WhatsApp messages. They can opt in by writing to you.`, disabled: true }
        : { text: `You cannot write: ${name} asked not to be contacted on WhatsApp.`, disabled: true }
    case 'not_on_whatsapp':
      return { text: `${name} is not on WhatsApp. Send an SMS instead.`, disabled: true }
    case 'awaiting_consent':
      return conversation.consent === 'none'
        ? { text: `Your first message asks ${name} to accept WhatsApp messages; it is sent once they agree.`, disabled: false }
        : { text: `Messages will be queued and sent once ${name} accepts the opt-in request.`, disabled: false }
    case 'inactive':
      return { text: `The 24-hour window is closed: messages will be queued and sent when ${name} writes again.`, disabled: false }
    default:
      return undefined
  }
}
