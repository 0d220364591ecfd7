import type { ConsentState, Conversation, ConversationState, HoldReason } from '../../electron/shared/domain'

/**
 * Banner and hold texts, mirrored from the engine's policy (electron/core/policy: conversation-state
 * and decide). The renderer cannot import the engine, so the words live here too; keep them in step.
 */

const MINUTE_MS = 60_000

/** "5 h 12 min", "5 h" or "12 min", rounded up so an open window never reads "0 min". */
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

export interface Banner {
  state: ConversationState
  text: string
  tone: 'ok' | 'wait' | 'stop'
}

/** The one-line banner above a WhatsApp conversation, in plain words. */
export function stateBanner(
  conversation: Pick<Conversation, 'state' | 'windowClosesAt' | 'contactName'> & Partial<Pick<Conversation, 'consent'>>,
  now: number,
): Banner {
  const state = effectiveState(conversation, now)
  const name = conversation.contactName
  switch (state) {
    case 'active':
      return {
        state,
        tone: 'ok',
        text:
          conversation.windowClosesAt === undefined
            ? 'Active'
            : `Active — window closes in ${formatRemaining(conversation.windowClosesAt - now)}`,
      }
    case 'inactive':
      return { state, tone: 'wait', text: `Inactive — messages will be sent when ${name} writes again` }
    case 'opted_out':
      return conversation.consent === 'declined'
        ? { state, tone: 'stop', text: `Declined — ${name} said no to WhatsApp messages; they can opt in by writing to you` }
        : { state, tone: 'stop', text: `Opted out — ${name} asked not to be contacted` }
    case 'not_on_whatsapp':
      return { state, tone: 'stop', text: 'Not on WhatsApp — send an SMS instead' }
    case 'awaiting_consent':
      return conversation.consent === 'none'
        ? { state, tone: 'wait', text: `Not asked yet — your first message asks ${name} to accept WhatsApp messages` }
        : { state, tone: 'wait', text: `Waiting for consent — messages will be sent once ${name} accepts` }
    case 'ended':
      return { state, tone: 'stop', text: 'Conversation ended — restart it to write again' }
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

/** Why a message waits, naming the WhatsApp user (mirrors holdReasonText in policy/decide). */
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
