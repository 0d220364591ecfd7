import { inTransaction, type EngineContext } from '../context'
import type * as outbox from '../db/repositories/outbox'
import { applyConsent, isOptInRequest, optInRequestFailed } from '../services/consent-service'
import type { WhatsAppError } from '../whatsapp/errors'
import { isAccountWide } from './account-health'
import { pairLimitDelayMs, retryDelayMs, shouldRetry } from './backoff'
import type { SendError, SendOutcome } from './jobs'
import * as transitions from './transitions'

/** What a send's outcome means for the message (pure: see `classifyOutcome`). */
export type Verdict =
  | { action: 'accepted'; providerId: string; waId?: string }
  /** 131047 inside an apparent window: wait for the user to write again rather than fail. */
  | { action: 'hold_for_window'; error: SendError }
  /** The number is not on WhatsApp: fails, and tells consent (opt-in) or holds the lane (others). */
  | { action: 'not_on_whatsapp'; error: SendError }
  /** It may have reached WhatsApp: keep the lease for a status webhook; `fail` once out of tries. */
  | { action: 'await_status'; error: SendError; fail: boolean }
  | { action: 'retry'; error: SendError; delayMs: number; penalty?: { scope: 'pair' | 'global'; until: number } }
  | { action: 'fail'; error: SendError }
  /** WhatsApp refused the whole number or account: held (attempt given back) and the outbox pauses. */
  | { action: 'account_paused'; error: SendError }

/** No readable answer, and not a refusal to connect: the request may have reached WhatsApp. */
export function mayHaveBeenSent(error: SendError): boolean {
  if (error.kind !== 'transient' || error.code !== undefined) return false
  const { httpStatus, details } = error as WhatsAppError
  // A 2xx with an unreadable body was accepted all the same: wait for its status webhook.
  if (httpStatus !== undefined) return httpStatus >= 200 && httpStatus < 300
  return details !== 'ECONNREFUSED' && details !== 'ENOTFOUND'
}

/**
 * Classifies a provider's answer to the `attempts`-th try (1-based) into accept / hold / retry /
 * fail. Pure: time and randomness (for the backoff's jitter) are passed in.
 */
export function classifyOutcome(outcome: SendOutcome, attempts: number, now: number, random: () => number): Verdict {
  if (outcome.ok) return { action: 'accepted', providerId: outcome.providerId, ...(outcome.waId ? { waId: outcome.waId } : {}) }
  const error = outcome.error
  if (isAccountWide(error)) return { action: 'account_paused', error }
  if (error.kind === 'window_closed') return { action: 'hold_for_window', error }
  if (error.kind === 'not_on_whatsapp') return { action: 'not_on_whatsapp', error }
  // The request may have reached WhatsApp before the connection broke: keep the lease until a
  // status webhook reconciles it or the grace period ends (then the lease expires and it is resent).
  if (mayHaveBeenSent(error)) return { action: 'await_status', error, fail: !shouldRetry(error.kind, attempts) }
  if (!shouldRetry(error.kind, attempts)) return { action: 'fail', error }
  const given = 'retryAfterMs' in error ? error.retryAfterMs : undefined
  const retryAfter = error.code === 131056 ? Math.max(given ?? 0, pairLimitDelayMs(attempts)) : given
  const penalty =
    error.kind === 'rate_limited' && retryAfter
      ? { scope: error.code === 131056 ? ('pair' as const) : ('global' as const), until: now + retryAfter }
      : undefined
  return { action: 'retry', error, delayMs: retryDelayMs(attempts, { random, minimumMs: retryAfter }), ...(penalty ? { penalty } : {}) }
}

export interface SettleOptions {
  reconcileGraceMs: number
  /** The platform said we overdid it (130429 global, 131056 per pair): slow down until `until`. */
  penalize(scope: 'pair' | 'global', lane: string, until: number): void
  /** WhatsApp refused the whole account (see `AccountHealth.pause`). */
  accountRefused?(error: SendError): Promise<void> | undefined
}

/**
 * Writes what a finished send means, through the transitions, in one transaction. A row that a
 * status webhook already reconciled while the send was in flight is left alone.
 */
export async function settleSend(
  outer: EngineContext,
  row: outbox.OutboxRow,
  conversationId: string,
  outcome: SendOutcome,
  options: SettleOptions,
): Promise<void> {
  const now = outer.clock.now()
  if (!(await outer.store.outbox.getOutboxRow(row.message_id))) return
  const verdict = classifyOutcome(outcome, row.attempts + 1, now, outer.random)
  const id = row.message_id
  await inTransaction(outer, async (ctx) => {
    const { store } = ctx
    switch (verdict.action) {
      case 'accepted':
        await transitions.accepted(ctx, id, verdict.providerId, now, conversationId)
        if (verdict.waId && row.kind !== 'sms') await store.contacts.updateContactIdentity(row.lane, { waId: verdict.waId, now })
        return
      case 'account_paused':
        await transitions.heldForAccount(ctx, { messageId: id, lane: row.lane, seq: row.seq, kind: row.kind }, now)
        return
      case 'hold_for_window':
        await transitions.heldForClosedWindow(ctx, { messageId: id, lane: row.lane, seq: row.seq, kind: row.kind }, now)
        return
      case 'not_on_whatsapp':
        if (row.kind === 'template') await applyConsent(ctx, row.lane, { type: 'undeliverable', at: now, requestMessageId: id })
        await transitions.fail(ctx, id, verdict.error, now, conversationId)
        if (row.kind !== 'template') await transitions.holdLane(ctx, row.lane, 'not_on_whatsapp')
        return
      case 'await_status':
        // The message stays `sending`: only the lease is extended.
        await store.outbox.keepLeased(id, now + options.reconcileGraceMs, verdict.error.reason)
        if (verdict.fail) await transitions.fail(ctx, id, verdict.error, now, conversationId)
        return
      case 'retry':
        if (verdict.penalty) options.penalize(verdict.penalty.scope, row.lane, verdict.penalty.until)
        await transitions.retryLater(ctx, id, now + verdict.delayMs, verdict.error.reason, now, conversationId)
        return
      case 'fail':
        await transitions.fail(ctx, id, verdict.error, now, conversationId)
        if (isOptInRequest(await store.messages.getMessageRow(id)))
          await optInRequestFailed(ctx, row.lane, id, verdict.error.reason, verdict.error.code)
    }
  })
  // The whole account waits (its own transaction, after this message's hold is committed).
  if (verdict.action === 'account_paused') await options.accountRefused?.(verdict.error)
}
