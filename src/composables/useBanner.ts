import type { Conversation, ConversationState } from '../../electron/shared/domain'
import { effectiveState, stateBannerText } from '../../electron/shared/policy-texts'

/**
 * Banner and hold texts come from electron/shared/policy-texts, the one module the engine's policy
 * uses too (the layer rule lets the renderer import values from that pure module only). This
 * composable adds what only the screen needs: the banner's tone.
 */
export { composerNotice, effectiveState, formatRemaining, holdReasonText, stateChip } from '../../electron/shared/policy-texts'

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

/** The one-line banner above a WhatsApp conversation, in plain words. */
export function stateBanner(
  conversation: Pick<Conversation, 'state' | 'windowClosesAt' | 'contactName'> & Partial<Pick<Conversation, 'consent'>>,
  now: number,
): Banner {
  const state = effectiveState(conversation, now)
  const text = stateBannerText({
    state,
    contactName: conversation.contactName,
    windowClosesAt: conversation.windowClosesAt,
    consent: conversation.consent,
    now,
  })
  return { state, tone: TONE[state], text }
}
