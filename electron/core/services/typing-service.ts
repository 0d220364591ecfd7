import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import { policyHold } from '../outbox/hold-rule'
import type { WhatsAppResult } from '../whatsapp/client'
import { requireOpen, requireParticipant } from './access'
import { whatsAppReasonText } from '../whatsapp/errors'

/** WhatsApp shows "typing…" for up to 25 s; asking again sooner than this is wasted throughput. */
export const TYPING_EVERY_MS = 20_000

export type SendTyping = (providerMessageId: string) => Promise<WhatsAppResult<void>>

/**
 * The typing indicator: while an office user types in an open window, the person sees "typing…"
 * (and their latest message turns read, as WhatsApp ties the two). At most once every 20 s per
 * conversation; never outside the window or without the right to write, where nothing may be sent.
 */
export class TypingIndicator {
  private readonly lastSent = new Map<string, number>()

  constructor(
    private readonly ctx: EngineContext,
    private readonly send: () => SendTyping | undefined,
  ) {}

  /** @throws ApiFailure not_found, forbidden, conflict (ended). Resolves whether the indicator went out. */
  async typing(userId: string, conversationId: string): Promise<{ sent: boolean }> {
    const conversation = await requireParticipant(this.ctx, conversationId, userId)
    requireOpen(conversation)
    const send = this.send()
    if (conversation.channel !== 'whatsapp' || !send) return { sent: false }
    const now = this.ctx.clock.now()
    const last = this.lastSent.get(conversationId)
    if (last !== undefined && now - last < TYPING_EVERY_MS) return { sent: false }
    if (await policyHold(this.ctx, conversation.contactId, 'freeform', now)) return { sent: false }
    const [latest] = await this.ctx.store.messages.unreadInboundProviderIds(conversationId, 1)
    if (!latest) return { sent: false }
    this.lastSent.set(conversationId, now)
    const result = await send(latest)
    if (!result.ok) throw new ApiFailure('unavailable', whatsAppReasonText(result.error.code, result.error.reason) ?? result.error.reason)
    return { sent: true }
  }
}
