import type { EngineContext } from '../context'
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
 * sent twice. Call it with `ctx.store` the caller's transaction.
 */
export async function applyStatus(ctx: EngineContext, update: StatusUpdate): Promise<void> {
  const now = ctx.clock.now()
  const { store } = ctx
  let row = await store.messages.getMessageRowByProviderId(update.providerId)
  if (!row && update.bizOpaque) {
    const ours = await store.messages.getMessageRow(update.bizOpaque)
    if (ours && ours.direction === 'out' && !ours.provider_id) {
      await store.messages.updateMessage(ours.id, { providerId: update.providerId, now })
      row = await store.messages.getMessageRow(ours.id)
    }
  }
  if (!row || row.direction !== 'out') return
  const queued = await store.outbox.getOutboxRow(row.id)
  const lane = (await store.conversations.conversationBasics(row.conversation_id))!.contactId
  if (queued?.state === 'held' && update.status === 'sent') {
    // Re-held after a 131047; a late "sent" does not mean it arrived.
    await store.messages.recordStatusTime(row.id, 'sent', now)
    return
  }

  if (update.status === 'failed') {
    const error = mapGraphError(update.errors?.[0] ?? {})
    if (error.kind === 'window_closed') {
      // Accepted, then refused for the window (131047): wait for the user to write again. A repeat
      // of this webhook finds the message already held and changes nothing.
      if (queued) return
      await transitions.heldForClosedWindow(
        ctx,
        { messageId: row.id, lane, seq: row.seq, kind: row.kind === 'image' ? 'image' : 'text' },
        now,
      )
      return
    }
    if (!shouldApplyStatus(row.status, 'failed')) return
    await transitions.fail(ctx, row.id, error, now, row.conversation_id)
    if (error.kind === 'not_on_whatsapp' && row.kind === 'template') {
      await applyConsent(ctx, lane, { type: 'undeliverable', at: now, requestMessageId: row.id })
    } else if (isOptInRequest(row)) await optInRequestFailed(ctx, lane, row.id, error.reason, error.code)
    return
  }
  const incoming = update.status === 'played' ? 'read' : update.status
  const moves = shouldApplyStatus(row.status, incoming)
  // Reconciled: whatever the outbox held for it, the provider has it, so it is never sent twice.
  if (queued || moves) await transitions.settledByStatus(ctx, row.id, moves ? incoming : undefined, now)
  if (moves) ctx.changes.message(row.id, row.conversation_id)
  else await store.messages.recordStatusTime(row.id, incoming, now)
}
