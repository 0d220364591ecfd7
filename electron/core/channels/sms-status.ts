import { ENGINE_TEXTS } from '../../shared/api/engine-text'
import type { EngineContext } from '../context'
import { conversationBasics } from '../db/repositories/conversations'
import { getMessageRow, getMessageRowByProviderId, recordStatusTime, updateMessage } from '../db/repositories/messages'
import * as outbox from '../db/repositories/outbox'
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
export function applySmsStatus(ctx: EngineContext, report: SmsStatusReport): void {
  ctx.db.transaction(() => {
    let row = getMessageRowByProviderId(ctx.db, report.providerId)
    if (!row && report.ref) {
      // The send's answer was lost (crash, timeout): our id in the report reconciles it.
      const ours = getMessageRow(ctx.db, report.ref)
      if (ours?.direction === 'out' && !ours.provider_id) {
        updateMessage(ctx.db, ours.id, { providerId: report.providerId, now: ctx.clock.now() })
        row = getMessageRow(ctx.db, ours.id)
      }
    }
    if (!row || row.direction !== 'out') return
    const now = ctx.clock.now()
    if (report.status === 'failed') {
      if (!shouldApplyStatus(row.status, 'failed')) return
      const failure = report.failure ?? { reason: ENGINE_TEXTS['sms.notDelivered'] }
      transitions.fail(ctx, row.id, { reason: failure.reason, ...(failure.code ? { code: failure.code } : {}) }, now, row.conversation_id)
      const contactId = conversationBasics(ctx.db, row.conversation_id)?.contactId
      if (failure.optedOut && contactId) recordSmsConsent(ctx, contactId, 'blocked', row.id, { code: failure.code })
      return
    }
    const queued = outbox.getOutboxRow(ctx.db, row.id)
    const moves = shouldApplyStatus(row.status, report.status)
    if (queued || moves) transitions.settledByStatus(ctx, row.id, moves ? report.status : undefined, now)
    if (moves) ctx.changes.message(row.id, row.conversation_id)
    else recordStatusTime(ctx.db, row.id, report.status, now)
  })()
}
