import type { EngineContext } from '../context'
import type { SmsProvider } from '../channels/provider'
import { getContact, updateContactIdentity } from '../db/repositories/contacts'
import { conversationBasics } from '../db/repositories/conversations'
import { getMedia } from '../db/repositories/media'
import { getMessageRow, setMessageExtra, updateMessage, type MessageRow } from '../db/repositories/messages'
import * as outbox from '../db/repositories/outbox'
import { getWhatsAppUser } from '../db/repositories/whatsapp-users'
import type { MediaStore } from '../media/media-store'
import { createLogger } from '../platform/logger'
import { decideSend } from '../policy/decide'
import { CONSENT_NO_PAYLOAD, CONSENT_YES_PAYLOAD } from '../policy/keywords'
import { applyConsent, businessName } from '../services/consent-service'
import { holdLane, holdMessage } from '../services/lanes'
import type { WhatsAppClient } from '../whatsapp/client'
import type { WhatsAppError } from '../whatsapp/errors'
import { retryDelayMs, shouldRetry } from './backoff'
import { KeyedRateLimiter, RateLimiter } from './rate-limiter'

const log = createLogger('outbox')

export interface SchedulerOptions {
  whatsapp?: WhatsAppClient
  sms?: SmsProvider
  media?: MediaStore
  optInTemplate: { name: string; language: string }
  messagesPerSecond?: number
  pairBurst?: number
  pairRefillMs?: number
  maxInFlight?: number
  /**
   * After a send whose outcome is unknown (the process died, or the connection dropped after the
   * request went out), wait this long for a status webhook carrying our id before sending again.
   */
  reconcileGraceMs?: number
  /** Longest a single send may take (the client's timeout plus margin). */
  sendTimeoutMs?: number
}

type SendError = WhatsAppError | { kind: 'transient' | 'invalid' | 'permanent'; reason: string; code?: number; retryAfterMs?: number }
type SendOutcome = { ok: true; providerId: string; waId?: string } | { ok: false; error: SendError }

/** No readable answer, and not a refusal to connect: the request may have reached WhatsApp. */
function mayHaveBeenSent(error: SendError): boolean {
  if (error.kind !== 'transient' || error.code !== undefined) return false
  const { httpStatus, details } = error as WhatsAppError
  // A 2xx with an unreadable body was accepted all the same: wait for its status webhook.
  if (httpStatus !== undefined) return httpStatus >= 200 && httpStatus < 300
  return details !== 'ECONNREFUSED' && details !== 'ENOTFOUND'
}

/**
 * Sends what the outbox holds: one ordered lane per WhatsApp user, the global throughput and the
 * per-user pair limits, retries with backoff, and exactly-once delivery across crashes (see
 * README, "Delivery guarantee"). It never polls: it sleeps on the clock until the next due time
 * or until `wake()`.
 */
export class OutboxScheduler {
  private state: 'stopped' | 'running' | 'paused' | 'draining' = 'stopped'
  private readonly inFlight = new Map<string, Promise<void>>()
  private timerCancel: (() => void) | undefined
  private timerDueAt = Infinity
  private scheduled = false
  private readonly global: RateLimiter
  private readonly pair: KeyedRateLimiter
  private readonly maxInFlight: number
  private readonly leaseMs: number
  private unsubscribeJump: (() => void) | undefined
  private readonly idleListeners = new Set<() => void>()

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: SchedulerOptions,
  ) {
    this.global = new RateLimiter({ ratePerSecond: options.messagesPerSecond ?? 80 })
    this.pair = new KeyedRateLimiter({ burst: options.pairBurst ?? 45, refillEveryMs: options.pairRefillMs ?? 6000 })
    this.maxInFlight = options.maxInFlight ?? 16
    this.leaseMs = (options.sendTimeoutMs ?? 30_000) + (options.reconcileGraceMs ?? 60_000)
  }

  start(): void {
    if (this.state === 'running') return
    if (this.state === 'stopped') {
      // Sends left leased by a previous run: their status webhooks could not reach us while we were
      // down, so the grace period to reconcile them starts now, not when the lease was taken.
      outbox.extendLeases(this.ctx.db, this.ctx.clock.now() + (this.options.reconcileGraceMs ?? 60_000))
    }
    this.state = 'running'
    this.unsubscribeJump ??= this.ctx.clock.onJump(() => this.wake())
    this.wake()
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused'
    this.cancelTimer()
  }

  resume(): void {
    if (this.state === 'paused') {
      this.state = 'running'
      this.wake()
    }
  }

  /** Stops taking work and waits for the sends already under way. */
  async shutdown(): Promise<void> {
    this.state = 'draining'
    this.cancelTimer()
    this.unsubscribeJump?.()
    this.unsubscribeJump = undefined
    await Promise.allSettled([...this.inFlight.values()])
    this.state = 'stopped'
  }

  /** Resolves once nothing is in flight and nothing is due now (for tests and benchmarks). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleListeners.add(resolve))
  }

  get inFlightCount(): number {
    return this.inFlight.size
  }

  wake(): void {
    if (this.state !== 'running' || this.scheduled) return
    this.scheduled = true
    queueMicrotask(() => {
      this.scheduled = false
      this.run()
    })
  }

  private run(): void {
    if (this.state !== 'running') return
    const now = this.ctx.clock.now()
    this.recoverExpiredLeases(now)
    let earliest = Infinity
    for (const head of this.dispatchableHeads()) {
      if (this.inFlight.size >= this.maxInFlight) break
      if (this.inFlight.has(head.lane)) continue
      if (head.state === 'leased') {
        earliest = Math.min(earliest, head.lease_until ?? now)
        continue
      }
      if (head.due_at > now) {
        earliest = Math.min(earliest, head.due_at)
        continue
      }
      if (head.kind !== 'sms') {
        const at = Math.max(this.global.availableAt(now), this.pair.availableAt(head.lane, now))
        if (at > now) {
          earliest = Math.min(earliest, at)
          continue
        }
        this.global.tryTake(now)
        this.pair.tryTake(head.lane, now)
      }
      this.dispatch(head, now)
    }
    const next = Math.min(earliest, outbox.nextDueAt(this.ctx.db) ?? Infinity)
    this.armTimer(next, now)
    this.notifyIfIdle()
  }

  /** Per lane: the first row not held; a free-form row never overtakes an earlier held one. */
  private dispatchableHeads(): outbox.OutboxRow[] {
    const heads: outbox.OutboxRow[] = []
    const byLane = new Map<string, outbox.OutboxRow[]>()
    for (const row of outbox.dispatchCandidates(this.ctx.db)) {
      const list = byLane.get(row.lane) ?? []
      list.push(row)
      byLane.set(row.lane, list)
    }
    for (const rows of byLane.values()) {
      const firstHeldFreeform = rows.find((r) => r.state === 'held')?.seq ?? Infinity
      const head = rows.find((r) => r.state !== 'held' && (r.kind === 'template' || r.seq < firstHeldFreeform))
      if (head) heads.push(head)
      else {
        // Rows behind a held message wait with it, showing why.
        for (const row of rows) {
          if (row.state === 'ready' && row.seq > firstHeldFreeform) {
            const blocker = rows.find((r) => r.state === 'held')!
            const reason = getMessageRow(this.ctx.db, blocker.message_id)?.hold_reason
            if (reason) holdMessage(this.ctx, row.message_id, reason)
          }
        }
      }
    }
    return heads.sort((a, b) => a.due_at - b.due_at)
  }

  private dispatch(row: outbox.OutboxRow, now: number): void {
    const message = getMessageRow(this.ctx.db, row.message_id)
    if (!message) {
      outbox.removeFromOutbox(this.ctx.db, row.message_id)
      return
    }
    if (row.kind !== 'sms') {
      const user = getWhatsAppUser(this.ctx.db, row.lane)
      const decision = decideSend({
        kind: row.kind === 'template' ? 'template' : 'freeform',
        consent: user.consent,
        lastInboundAt: user.last_inbound_at ?? undefined,
        now,
      })
      if (decision.action === 'hold') {
        this.ctx.db.transaction(() => holdLane(this.ctx, row.lane, decision.reason, { templatesToo: row.kind === 'template' }))()
        this.wake()
        return
      }
    }
    this.ctx.db.transaction(() => {
      outbox.lease(this.ctx.db, row.message_id, now + this.leaseMs)
      updateMessage(this.ctx.db, row.message_id, { status: 'sending', now })
    })()
    this.ctx.changes.message(row.message_id, message.conversation_id)
    const work = this.send(row, message)
      .then((outcome) => this.settle(row, message, outcome))
      .catch((error: unknown) => {
        log.error('send crashed', { messageId: row.message_id, error: String(error) })
        this.settle(row, message, { ok: false, error: { kind: 'permanent', reason: 'Greenline could not send this message' } })
      })
      .finally(() => {
        this.inFlight.delete(row.lane)
        this.wake()
        this.notifyIfIdle()
      })
    this.inFlight.set(row.lane, work)
  }

  private async send(row: outbox.OutboxRow, message: MessageRow): Promise<SendOutcome> {
    const conversation = conversationBasics(this.ctx.db, message.conversation_id)
    const contact = conversation && getContact(this.ctx.db, conversation.contactId)
    if (!contact) return { ok: false, error: { kind: 'permanent', reason: 'The contact was deleted' } }
    if (row.kind === 'sms') {
      if (!this.options.sms) return { ok: false, error: { kind: 'transient', reason: 'SMS is not available right now' } }
      if (!contact.phone) return { ok: false, error: { kind: 'invalid', reason: 'The contact has no phone number' } }
      const result = await this.options.sms.sendSms({ to: contact.phone, text: message.body ?? '', clientRef: message.id })
      return result.ok ? { ok: true, providerId: result.value.providerId } : result
    }
    const client = this.options.whatsapp
    if (!client) return { ok: false, error: { kind: 'transient', reason: 'WhatsApp is not connected right now' } }
    const target = contact.phone ? { to: contact.phone } : { recipient: contact.userId }
    const extra = message.extra ? (JSON.parse(message.extra) as Record<string, unknown>) : {}
    if (row.kind === 'template') {
      const result = await client.sendTemplate({
        ...target,
        name: this.options.optInTemplate.name,
        language: this.options.optInTemplate.language,
        bodyParams: [businessName(this.ctx)],
        buttonPayloads: [CONSENT_YES_PAYLOAD, CONSENT_NO_PAYLOAD],
        bizOpaque: message.id,
      })
      return result.ok ? { ok: true, ...result.value } : result
    }
    if (row.kind === 'image') {
      const caption = this.attributed(extra, typeof extra.caption === 'string' ? extra.caption : undefined)
      const mediaId = await this.uploadedMediaId(message, extra)
      if (!mediaId.ok) return mediaId
      const result = await client.sendImage({ ...target, mediaId: mediaId.id, ...(caption ? { caption } : {}), bizOpaque: message.id })
      return result.ok ? { ok: true, ...result.value } : result
    }
    const result = await client.sendText({ ...target, text: this.attributed(extra, message.body ?? '')!, bizOpaque: message.id })
    return result.ok ? { ok: true, ...result.value } : result
  }

  /** Several office users in one thread: the WhatsApp user sees who is writing. */
  private attributed(extra: Record<string, unknown>, text: string | undefined): string | undefined {
    if (typeof extra.attributedTo !== 'string' || !text) return text
    return this.ctx.org.attribution.replace('{name}', extra.attributedTo).replace('{text}', text)
  }

  private async uploadedMediaId(message: MessageRow, extra: Record<string, unknown>): Promise<{ ok: true; id: string } | { ok: false; error: SendError }> {
    if (typeof extra.providerMediaId === 'string') return { ok: true, id: extra.providerMediaId }
    const media = message.media_id ? getMedia(this.ctx.db, message.media_id) : undefined
    const bytes = media && (await this.options.media?.read(media.id))
    if (!media || !bytes) return { ok: false, error: { kind: 'permanent', reason: 'The picture is missing from this computer' } }
    const uploaded = await this.options.whatsapp!.uploadMedia({ bytes, mimeType: media.mime_type, filename: `${media.id.slice(0, 12)}.${media.mime_type === 'image/png' ? 'png' : 'jpg'}` })
    if (!uploaded.ok) return uploaded
    // Kept so a retry does not upload the same picture again (uploads stay valid for 30 days).
    const updated = { ...extra, providerMediaId: uploaded.value.mediaId }
    setMessageExtra(this.ctx.db, message.id, updated)
    return { ok: true, id: uploaded.value.mediaId }
  }

  private settle(row: outbox.OutboxRow, message: MessageRow, outcome: SendOutcome): void {
    const ctx = this.ctx
    const now = ctx.clock.now()
    // A status webhook may have reconciled this send while it was in flight.
    if (!outbox.getOutboxRow(ctx.db, row.message_id)) return
    if (outcome.ok) {
      ctx.db.transaction(() => {
        outbox.removeFromOutbox(ctx.db, row.message_id)
        const current = getMessageRow(ctx.db, row.message_id)
        const status = current && current.status === 'sending' ? 'sent' : current?.status
        updateMessage(ctx.db, row.message_id, { providerId: outcome.providerId, ...(status ? { status } : {}), now })
        if (outcome.waId && row.kind !== 'sms') updateContactIdentity(ctx.db, row.lane, { waId: outcome.waId, now })
      })()
      ctx.changes.message(row.message_id, message.conversation_id)
      return
    }
    const error = outcome.error
    const attempts = row.attempts + 1
    ctx.db.transaction(() => {
      if (error.kind === 'window_closed') {
        // 131047 inside an apparent window: wait for the user to write again rather than fail.
        holdLane(ctx, row.lane, 'awaiting_reply')
        holdMessage(ctx, row.message_id, 'awaiting_reply', now)
      } else if (error.kind === 'not_on_whatsapp') {
        if (row.kind === 'template') applyConsent(ctx, row.lane, { type: 'undeliverable', at: now, requestMessageId: row.message_id })
        this.fail(row, message, error, now)
        if (row.kind !== 'template') holdLane(ctx, row.lane, 'not_on_whatsapp')
      } else if (mayHaveBeenSent(error)) {
        // The request may have reached WhatsApp before the connection broke: keep the lease until
        // a status webhook reconciles it or the grace period ends (then recoverExpiredLeases resends).
        outbox.keepLeased(ctx.db, row.message_id, now + (this.options.reconcileGraceMs ?? 60_000), error.reason)
        if (!shouldRetry(error.kind, attempts)) this.fail(row, message, error, now)
      } else if (shouldRetry(error.kind, attempts)) {
        const retryAfter = 'retryAfterMs' in error ? error.retryAfterMs : undefined
        if (error.kind === 'rate_limited' && retryAfter) {
          if (error.code === 131056) this.pair.penalize(row.lane, now + retryAfter)
          else this.global.penalize(now + retryAfter)
        }
        const delay = retryDelayMs(attempts, { random: ctx.random, minimumMs: retryAfter })
        outbox.reschedule(ctx.db, row.message_id, now + delay, error.reason)
        updateMessage(ctx.db, row.message_id, { status: 'queued', now })
        ctx.changes.message(row.message_id, message.conversation_id)
      } else {
        this.fail(row, message, error, now)
      }
    })()
  }

  private fail(row: outbox.OutboxRow, message: MessageRow, error: { reason: string; code?: number }, now: number): void {
    outbox.removeFromOutbox(this.ctx.db, row.message_id)
    updateMessage(this.ctx.db, row.message_id, { status: 'failed', error: error.reason, errorCode: error.code ?? null, now })
    this.ctx.changes.message(row.message_id, message.conversation_id)
  }

  /**
   * Leases left by a crash or an unanswered request, whose grace period has passed without a status
   * webhook reconciling them: the send did not reach WhatsApp, so it goes again.
   */
  private recoverExpiredLeases(now: number): void {
    for (const row of outbox.expiredLeases(this.ctx.db, now)) {
      if (this.inFlight.has(row.lane)) continue
      outbox.reschedule(this.ctx.db, row.message_id, now, row.last_error ?? undefined)
    }
  }

  private armTimer(dueAt: number, now: number): void {
    if (dueAt === Infinity) {
      this.cancelTimer()
      return
    }
    if (this.timerCancel && this.timerDueAt <= dueAt) return
    this.cancelTimer()
    this.timerDueAt = dueAt
    this.timerCancel = this.ctx.clock.setTimer(() => {
      this.timerCancel = undefined
      this.timerDueAt = Infinity
      this.wake()
    }, Math.max(0, dueAt - now))
  }

  private cancelTimer(): void {
    this.timerCancel?.()
    this.timerCancel = undefined
    this.timerDueAt = Infinity
  }

  private isIdle(): boolean {
    if (this.inFlight.size > 0 || this.scheduled) return false
    const now = this.ctx.clock.now()
    const due = outbox.nextDueAt(this.ctx.db)
    return due === undefined || due > now
  }

  private notifyIfIdle(): void {
    if (this.idleListeners.size === 0 || !this.isIdle()) return
    const listeners = [...this.idleListeners]
    this.idleListeners.clear()
    for (const listener of listeners) listener()
  }
}
