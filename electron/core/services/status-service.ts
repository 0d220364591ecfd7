import type { EngineContext } from '../context'
import { getMessageRow, getMessageRowByProviderId, recordStatusTime, updateMessage } from '../db/repositories/messages'
import { conversationBasics } from '../db/repositories/conversations'
import * as outbox from '../db/repositories/outbox'
import * as transitions from '../outbox/transitions'
import { mapGraphError } from '../whatsapp/errors'
import { shouldApplyStatus } from '../whatsapp/status-order'
import type { StatusUpdate } from '../whatsapp/webhook-types'
import { applyConsent, isOptInRequest, optInRequestFailed } from './consent-service'

/**
 * Applies one status webhook. Idempotent and order-proof: a status never moves a message
 * backwards (read stays read when a late `delivered` arrives). A status carrying our id in
 * `biz_opaque_callback_data` for a message whose send response was lost (crash, dropped
 * connection) reconciles it: the provider id is recorded and it leaves the outbox, so it is never
 * sent twice. Call inside a transaction.
 */
export function applyStatus(ctx: EngineContext, update: StatusUpdate): void {
  const now = ctx.clock.now()
  let row = getMessageRowByProviderId(ctx.db, update.providerId)
  if (!row && update.bizOpaque) {
    const ours = getMessageRow(ctx.db, update.bizOpaque)
    if (ours && ours.direction === 'out' && !ours.provider_id) {
      updateMessage(ctx.db, ours.id, { providerId: update.providerId, now })
      row = getMessageRow(ctx.db, ours.id)
    }
  }
  if (!row || row.direction !== 'out') return
  const queued = outbox.getOutboxRow(ctx.db, row.id)
  const lane = conversationBasics(ctx.db, row.conversation_id)!.contactId
  if (queued?.state === 'held' && update.status === 'sent') {
    // Re-held after a 131047; a late "sent" does not mean it arrived.
    recordStatusTime(ctx.db, row.id, 'sent', now)
    return
  }

  if (update.status === 'failed') {
    const error = mapGraphError(update.errors?.[0] ?? {})
    if (error.kind === 'window_closed') {
      // Accepted, then refused for the window (131047): wait for the user to write again. A repeat
      // of this webhook finds the message already held and changes nothing.
      if (queued) return
      transitions.heldForClosedWindow(ctx, { messageId: row.id, lane, seq: row.seq, kind: row.kind === 'image' ? 'image' : 'text' }, now)
      return
    }
    if (!shouldApplyStatus(row.status, 'failed')) return
    transitions.fail(ctx, row.id, error, now, row.conversation_id)
    if (error.kind === 'not_on_whatsapp' && row.kind === 'template') {
      applyConsent(ctx, lane, { type: 'undeliverable', at: now, requestMessageId: row.id })
    } else if (isOptInRequest(row)) optInRequestFailed(ctx, lane, row.id, error.reason, error.code)
    return
  }
  const incoming = update.status === 'played' ? 'read' : update.status
  const moves = shouldApplyStatus(row.status, incoming)
  // Reconciled: whatever the outbox held for it, the provider has it, so it is never sent twice.
  if (queued || moves) transitions.settledByStatus(ctx, row.id, moves ? incoming : undefined, now)
  if (moves) ctx.changes.message(row.id, row.conversation_id)
  else recordStatusTime(ctx.db, row.id, incoming, now)
}
