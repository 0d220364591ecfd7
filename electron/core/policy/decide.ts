import type { ConsentState, HoldReason, SendKind } from './types'
import { isWindowOpen } from './window'

export interface SendContext {
  kind: SendKind
  consent: ConsentState
  /** The WhatsApp user's last inbound message; outbound messages never count. */
  lastInboundAt?: number
  now: number
  /**
   * Guest-first: the WhatsApp user wrote first (no consent record) and the org allows replying
   * within the window they opened without an opt-in (`consent.requireOptInForUserInitiated` off).
   */
  userInitiatedAllowed?: boolean
}

export type SendDecision = { action: 'send' } | { action: 'hold'; reason: HoldReason }

const SEND: SendDecision = { action: 'send' }

function hold(reason: HoldReason): SendDecision {
  return { action: 'hold', reason }
}

/**
 * Whether one outbound message may go out now, or why it waits. Checked in this order:
 * not on WhatsApp, opted out, consent missing, window closed.
 *
 * A template here is the opt-in request or another approved template: it may go to a user who has
 * not consented yet (`none`/`requested`, it is how consent is asked for) and ignores the 24-hour
 * window. Whether a re-request is due (24 h since the last one, also to re-check someone who was
 * not on WhatsApp) is `canRequestConsent`'s job, not this function's.
 */
export function decideSend(context: SendContext): SendDecision {
  const { kind, consent } = context
  if (consent === 'not_on_whatsapp') return hold('not_on_whatsapp')
  if (consent === 'revoked' || consent === 'declined') return hold('opted_out')
  if (kind === 'template') return SEND
  if (consent === 'none' && context.userInitiatedAllowed && isWindowOpen(context.lastInboundAt, context.now)) return SEND
  if (consent === 'none' || consent === 'requested') return hold('awaiting_consent')
  if (!isWindowOpen(context.lastInboundAt, context.now)) return hold('awaiting_reply')
  return SEND
}

// The words for each reason are written once, in shared/policy-texts, which the renderer uses too.
export { holdReasonText } from '../../shared/policy-texts'
