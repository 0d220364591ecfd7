import type { ConsentState, Conversation, ConversationState, HoldReason } from '../../electron/shared/domain'
import { effectiveState } from '../../electron/shared/policy-texts'
import { fixedText, t } from '../i18n'

/**
 * The policy's sentences (banner, list chip, composer notice, why a message waits), in the active
 * language. The engine keeps English versions in electron/shared/policy-texts for exports and its
 * own messages; the screen renders from the same codes (state, consent, hold reason) and names,
 * so every language says the same thing as the engine decides.
 */
export { effectiveState } from '../../electron/shared/policy-texts'

export interface Banner {
  state: ConversationState
  text: string
  tone: 'ok' | 'wait' | 'stop'
}

const TONE: Record<ConversationState, Banner['tone']> = {
  active: 'ok',
  inactive: 'wait',
  awaiting_consent: 'wait',
  opted_out: 'stop',
  not_on_whatsapp: 'stop',
  ended: 'stop',
}

/** Time left as "5 h 12 min", "5 h" or "12 min", rounded up so an open window never reads "0 min". */
export function formatRemaining(ms: number): string {
  const totalMinutes = Math.max(1, Math.ceil(ms / 60_000))
  const hours = Math.floor(totalMinutes / 60)
  const minutes = totalMinutes % 60
  if (hours === 0) return t('time.minutes', { minutes })
  if (minutes === 0) return t('time.hours', { hours })
  return t('time.hoursMinutes', { hours, minutes })
}

/** Which sentence a state reads as: a declined opt-in is not an opt-out, and no request sent yet is not waiting. */
function variant(state: ConversationState, consent: ConsentState | undefined): string {
  if (state === 'opted_out' && consent === 'declined') return 'declined'
  if (state === 'awaiting_consent' && consent === 'none') return 'notAsked'
  return state
}

const BANNER_KEYS: Record<string, string> = {
  active: 'state.banner.active',
  inactive: 'state.banner.inactive',
  opted_out: 'state.banner.opted_out',
  declined: 'state.banner.declined',
  not_on_whatsapp: 'state.banner.not_on_whatsapp',
  awaiting_consent: 'state.banner.awaiting_consent',
  notAsked: 'state.banner.notAsked',
  ended: 'state.banner.ended',
}

const CHIP_KEYS: Record<string, string> = {
  active: 'state.chip.active',
  inactive: 'state.chip.inactive',
  opted_out: 'state.chip.opted_out',
  declined: 'state.chip.declined',
  not_on_whatsapp: 'state.chip.not_on_whatsapp',
  awaiting_consent: 'state.chip.awaiting_consent',
  notAsked: 'state.chip.notAsked',
  ended: 'state.chip.ended',
}

const HOLD_KEYS: Record<HoldReason, string> = {
  awaiting_consent: 'state.hold.awaiting_consent',
  awaiting_reply: 'state.hold.awaiting_reply',
  opted_out: 'state.hold.opted_out',
  not_on_whatsapp: 'state.hold.not_on_whatsapp',
  account_paused: 'state.hold.account_paused',
}

/** The one-line banner above a WhatsApp conversation, in plain words. */
export function stateBanner(
  conversation: Pick<Conversation, 'state' | 'windowClosesAt' | 'contactName'> & Partial<Pick<Conversation, 'consent'>>,
  now: number,
): Banner {
  const state = effectiveState(conversation, now)
  const name = conversation.contactName
  const text =
    state === 'active' && conversation.windowClosesAt !== undefined
      ? t('state.banner.activeCountdown', { remaining: formatRemaining(conversation.windowClosesAt - now) })
      : t(BANNER_KEYS[variant(state, conversation.consent)], { name })
  return { state, tone: TONE[state], text }
}

/** Short chip text for the conversation list; `consent` tells a decline from an opt-out. */
export function stateChip(state: ConversationState, consent?: ConsentState): string {
  return fixedText(CHIP_KEYS[variant(state, consent)])
}

/** Plain words for the composer and a held bubble, naming the WhatsApp user. */
export function holdReasonText(reason: HoldReason, contactName: string): string {
  return t(HOLD_KEYS[reason], { name: contactName })
}

/**
 * What the composer says about sending in this state, or undefined when messages go out now.
 * `disabled` when nothing can be sent at all.
 */
export function composerNotice(
  conversation: Pick<Conversation, 'channel' | 'state' | 'consent' | 'windowClosesAt' | 'contactName'>,
  now: number,
): { text: string; disabled: boolean } | undefined {
  if (conversation.state === 'ended') return { text: t('state.composer.ended'), disabled: true }
  if (conversation.channel !== 'whatsapp') return undefined
  const name = conversation.contactName
  switch (effectiveState(conversation, now)) {
    case 'opted_out':
      return conversation.consent === 'declined'
        ? { text: t('state.composer.declined', { name }), disabled: true }
        : { text: t('state.composer.opted_out', { name }), disabled: true }
    case 'not_on_whatsapp':
      return { text: t('state.composer.not_on_whatsapp', { name }), disabled: true }
    case 'awaiting_consent':
      return conversation.consent === 'none'
        ? { text: t('state.composer.notAsked', { name }), disabled: false }
        : { text: t('state.composer.awaiting_consent', { name }), disabled: false }
    case 'inactive':
      return { text: t('state.composer.inactive', { name }), disabled: false }
    default:
      return undefined
  }
}
