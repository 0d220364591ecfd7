import type { EngineContext } from '../context'
import type { SmsProvider } from '../channels/provider'
import type * as outbox from '../db/repositories/outbox'
import type { MediaStore } from '../media/media-store'
import { createLogger } from '../platform/logger'
import type { WhatsAppClient } from '../whatsapp/client'
import type { AccountHealth } from './account-health'
import { policyHold } from './hold-rule'
import { runSendJob, type SendError, type SendJobDeps } from './jobs'
import { sendReadReceiptJob } from './jobs/read-receipt'
import { LaneHeads } from './lane-heads'
import { LaneRunner } from './lane-runner'
import { settleSend } from './outcome'
import { KeyedRateLimiter, RateLimiter } from './rate-limiter'
import * as transitions from './transitions'

const log = createLogger('outbox')

export interface SchedulerOptions {
  whatsapp?: WhatsAppClient
  sms?: SmsProvider
  media?: MediaStore
  optInTemplate: { name: string; language: string }
  messagesPerSecond?: number
  /** The SMS provider's own throughput (e.g. 1/s for a Twilio long code); unlimited when absent. */
  smsPerSecond?: number
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
  /** The business number's health: while it is paused, WhatsApp messages wait held. */
  health?: AccountHealth
}

/**
 * Sends what the outbox holds: one ordered lane per WhatsApp user, the global throughput and the
 * per-user pair limits, retries with backoff, and exactly-once delivery across crashes (see
 * README, "Delivery guarantee"). The composition of three modules, as Signal splits its job queue:
 * the generic `LaneRunner` (lanes, concurrency, timers), the per-kind send jobs (`jobs/`) and the
 * outcome rules (`outcome.ts`); every status change goes through `transitions.ts`.
 */
export class OutboxScheduler {
  private global: RateLimiter
  private pair: KeyedRateLimiter
  private readonly smsLimit: RateLimiter | undefined
  /** The SMS provider said "too many requests" (Twilio 20429): no text goes to it before this. */
  private smsBlockedUntil = 0
  private readonly leaseMs: number
  private readonly reconcileGraceMs: number
  private readonly runner: LaneRunner<outbox.OutboxRow>
  private readonly jobs: SendJobDeps
  private readonly receipts = new Set<Promise<void>>()
  private readonly receiptTimers = new Set<{ cancel: () => void; giveUp: () => void }>()
  private readonly health: AccountHealth | undefined
  private readonly heads: LaneHeads
  private sliceQueued = false

  constructor(
    private readonly ctx: EngineContext,
    options: SchedulerOptions,
  ) {
    this.global = new RateLimiter({ ratePerSecond: options.messagesPerSecond ?? 80 })
    // One at a time at the provider's pace: a carrier number has no burst to spend.
    this.smsLimit = options.smsPerSecond ? new RateLimiter({ ratePerSecond: options.smsPerSecond, burst: 1 }) : undefined
    this.pair = new KeyedRateLimiter({ burst: options.pairBurst ?? 45, refillEveryMs: options.pairRefillMs ?? 6000 })
    this.health = options.health
    this.reconcileGraceMs = options.reconcileGraceMs ?? 60_000
    this.leaseMs = (options.sendTimeoutMs ?? 30_000) + this.reconcileGraceMs
    this.heads = new LaneHeads(ctx)
    this.jobs = { ctx, whatsapp: options.whatsapp, sms: options.sms, media: options.media, optInTemplate: options.optInTemplate }
    this.runner = new LaneRunner<outbox.OutboxRow>(
      ctx.clock,
      {
        heads: () => this.dispatchableHeads(),
        nextDueAt: () => this.heads.nextDueAt(),
        // SMS are not WhatsApp's: Meta's limits do not apply to them, only the SMS provider's own.
        availableAt: (row, now) =>
          row.kind === 'sms'
            ? Math.max(this.smsLimit?.availableAt(now) ?? now, this.smsBlockedUntil)
            : Math.max(this.global.availableAt(now), this.pair.availableAt(row.lane, now)),
        take: (row, now) => {
          if (row.kind === 'sms') {
            this.smsLimit?.tryTake(now)
            return
          }
          this.global.tryTake(now)
          this.pair.tryTake(row.lane, now)
        },
        start: (row, now) => this.dispatch(row, now),
        recover: (now, busy) => this.recoverExpiredLeases(now, busy),
        failed: (error) => log.error('outbox pass failed, trying again', { error: String(error) }),
      },
      options.maxInFlight ?? 16,
    )
  }

  /** A changed org policy or connector, for sends from now on (the team server's admin screen). */
  reconfigure(options: Pick<SchedulerOptions, 'messagesPerSecond' | 'pairBurst' | 'pairRefillMs' | 'optInTemplate'>): void {
    this.global = new RateLimiter({ ratePerSecond: options.messagesPerSecond ?? 80 })
    this.pair = new KeyedRateLimiter({ burst: options.pairBurst ?? 45, refillEveryMs: options.pairRefillMs ?? 6000 })
    this.jobs.optInTemplate = options.optInTemplate
    this.runner.wake()
  }

  async start(): Promise<void> {
    if (this.runner.state === 'stopped') {
      // Sends left leased by a previous run: their status webhooks could not reach us while we were
      // down, so the grace period to reconcile them starts now, not when the lease was taken.
      await this.ctx.store.outbox.extendLeases(this.ctx.clock.now() + this.reconcileGraceMs)
    }
    this.runner.start()
  }

  pause(): void {
    this.runner.pause()
  }

  resume(): void {
    this.runner.resume()
  }

  /** Stops taking work and waits for the sends already under way; receipts not yet sent are dropped. */
  async shutdown(): Promise<void> {
    for (const timer of this.receiptTimers) {
      timer.cancel()
      timer.giveUp()
    }
    this.receiptTimers.clear()
    await Promise.all([this.runner.shutdown(), Promise.allSettled([...this.receipts])])
  }

  /**
   * Sends a WhatsApp read receipt through the number's throughput limit, like every other Graph
   * `messages` call (Meta counts them; going over gives 130429 for the sends too). It waits on the
   * clock for a token rather than spending one a send needs; the pair limit is not asked, as a
   * receipt is not a message to the user. Fire and forget: failures are logged, never retried.
   * Resolves once the receipt was sent or given up.
   */
  sendReadReceipt(providerMessageId: string): Promise<void> {
    const whatsapp = this.jobs.whatsapp
    if (!whatsapp || this.runner.state === 'draining') return Promise.resolve()
    const work = new Promise<void>((resolve) => {
      const attempt = () => {
        const now = this.ctx.clock.now()
        const taken = this.global.tryTake(now)
        if (!taken.ok) {
          const timer = {
            cancel: this.ctx.clock.setTimer(() => {
              this.receiptTimers.delete(timer)
              attempt()
            }, taken.retryAt - now),
            giveUp: resolve,
          }
          this.receiptTimers.add(timer)
          return
        }
        sendReadReceiptJob(whatsapp, providerMessageId)
          .then((result) => {
            if (result.ok) return
            const retryAfter = 'retryAfterMs' in result.error ? result.error.retryAfterMs : undefined
            if (result.error.kind === 'rate_limited' && retryAfter && result.error.code !== 131056)
              this.global.penalize(this.ctx.clock.now() + retryAfter)
            log.warn('read receipt not sent', { kind: result.error.kind })
          })
          .catch((error: unknown) => log.warn('read receipt not sent', { error: String(error) }))
          .finally(resolve)
      }
      attempt()
    })
    const tracked = work.finally(() => this.receipts.delete(tracked))
    this.receipts.add(tracked)
    return tracked
  }

  /** Resolves once nothing is in flight and nothing is due now (for tests and benchmarks). */
  async idle(): Promise<void> {
    await this.runner.idle()
    // Lanes changed but not re-read yet (a slice is queued, or no wake since the write).
    while (this.runner.state === 'running' && (await this.heads.isStale())) {
      this.wake()
      await new Promise<void>((resolve) => setImmediate(resolve))
      await this.runner.idle()
    }
  }

  get inFlightCount(): number {
    return this.runner.inFlightCount
  }

  wake(): void {
    this.runner.wake()
  }

  /**
   * The lanes' heads after re-reading the lanes written since the last wake. When a large change
   * needs more than one slice, the next slice runs after the event loop has had a turn (a real
   * `setImmediate`, not the clock: re-reading is work, not waiting).
   */
  private async dispatchableHeads(): Promise<Iterable<outbox.OutboxRow>> {
    if ((await this.heads.refresh()) && !this.sliceQueued) {
      this.sliceQueued = true
      setImmediate(() => {
        this.sliceQueued = false
        this.wake()
      })
    }
    return this.heads.values()
  }

  /** Sends one lane head, unless it vanished or must wait after all; resolves when settled. */
  private async dispatch(row: outbox.OutboxRow, now: number): Promise<void> {
    const ctx = this.ctx
    const message = await ctx.store.messages.getMessageRow(row.message_id)
    if (!message) {
      await ctx.store.outbox.removeFromOutbox(row.message_id)
      await ctx.store.outbox.markLaneChanged(row.lane)
      return
    }
    if (row.kind !== 'sms' && (await this.health?.isPaused())) {
      await transitions.hold(ctx, row.message_id, 'account_paused', now)
      return
    }
    if (row.kind !== 'sms') {
      // The policy is decided again at the head of the lane: consent or the window may have changed.
      const reason = await policyHold(ctx, row.lane, row.kind === 'template' ? 'template' : 'freeform', now)
      if (reason) {
        await transitions.holdLane(ctx, row.lane, reason, { templatesToo: row.kind === 'template' })
        this.wake()
        return
      }
    }
    await transitions.startSending(ctx, row.message_id, now + this.leaseMs, now, message.conversation_id)
    const settle = {
      reconcileGraceMs: this.reconcileGraceMs,
      penalize: (scope: 'pair' | 'global', lane: string, until: number) =>
        row.kind === 'sms' ? this.penalizeSms(until) : this.penalize(scope, lane, until),
      accountRefused: (error: SendError) => this.health?.pause(error),
    }
    return runSendJob(this.jobs, row.kind, message)
      .then((outcome) => settleSend(ctx, row, message.conversation_id, outcome, settle))
      .catch((error: unknown) => {
        log.error('send crashed', { messageId: row.message_id, error: String(error) })
        return settleSend(
          ctx,
          row,
          message.conversation_id,
          { ok: false, error: { kind: 'permanent', reason: 'Greenline could not send this message' } },
          settle,
        )
      })
  }

  private penalize(scope: 'pair' | 'global', lane: string, until: number): void {
    if (scope === 'pair') this.pair.penalize(lane, until)
    else this.global.penalize(until)
  }

  /** An SMS provider's rate limit is its account's, not one contact's: every SMS lane waits. */
  private penalizeSms(until: number): void {
    this.smsBlockedUntil = Math.max(this.smsBlockedUntil, until)
    this.smsLimit?.penalize(until)
  }

  /**
   * Leases left by a crash or an unanswered request, whose grace period has passed without a status
   * webhook reconciling them: the send did not reach WhatsApp, so it goes again.
   */
  private async recoverExpiredLeases(now: number, busy: (lane: string) => boolean): Promise<void> {
    for (const row of await this.ctx.store.outbox.expiredLeases(now)) {
      if (busy(row.lane)) continue
      await this.ctx.store.outbox.reschedule(row.message_id, now, row.last_error ?? undefined)
    }
  }
}
