import { ENGINE_TEXTS } from '../../shared/api/engine-text'
import { inTransaction, type EngineContext } from '../context'
import * as transitions from '../outbox/transitions'
import { shouldApplyStatus } from '../whatsapp/status-order'
import { recordSmsConsent } from './sms-consent'

/** A provider's word on one outbound SMS, whichever provider said it. */
export interface SmsStatusReport {
  /** The provider's message id (Twilio's SID, the vendor's id). */
  providerId: string
  /** Our message id, when the provider echoes it: reconciles a send whose answer was lost. */
  ref?: string | null
  status: 'sent' | 'delivered' | 'read' | 'failed'
  /** For `failed`: the reason in plain words, the provider's code, and whether it is an opt-out. */
  failure?: { reason: string; code?: number; optedOut?: boolean }
}

/**
 * Applies a status report to the outbound SMS it names: sent → delivered moves forward only, a
 * failure fails it with the provider's reason (an opt-out also goes to the consent ledger), a
 * repeat or a report about someone else's message changes nothing. Runs in one transaction.
 */
export async function applySmsStatus(outer: EngineContext, report: SmsStatusReport): Promise<void> {
  await inTransaction(outer, async (ctx) => {
    const { store } = ctx
    let row = await store.messages.getMessageRowByProviderId(report.providerId)
    if (!row && report.ref) {
      // The send's answer was lost (crash, timeout): our id in the report reconciles it.
      const ours = await store.messages.getMessageRow(report.ref)
      if (ours?.direction === 'out' && !ours.provider_id) {
        await store.messages.updateMessage(ours.id, { providerId: report.providerId, now: ctx.clock.now() })
        row = await store.messages.getMessageRow(ours.id)
      }
    }
    if (!row || row.direction !== 'out') return
    const now = ctx.clock.now()
    if (report.status === 'failed') {
      if (!shouldApplyStatus(row.status, 'failed')) return
      const failure = report.failure ?? { reason: ENGINE_TEXTS['sms.notDelivered'] }
      await transitions.fail(
        ctx,
        row.id,
        { reason: failure.reason, ...(failure.code ? { code: failure.code } : {}) },
        now,
        row.conversation_id,
      )
      const contactId = (await store.conversations.conversationBasics(row.conversation_id))?.contactId
      if (failure.optedOut && contactId) await recordSmsConsent(ctx, contactId, 'blocked', row.id, { code: failure.code })
      return
    }
    const queued = await store.outbox.getOutboxRow(row.id)
    const moves = shouldApplyStatus(row.status, report.status)
    if (queued || moves) await transitions.settledByStatus(ctx, row.id, moves ? report.status : undefined, now)
    if (moves) ctx.changes.message(row.id, row.conversation_id)
    else await store.messages.recordStatusTime(row.id, report.status, now)
  })
}
