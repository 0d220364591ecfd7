import type { EngineContext } from '../context'
import type { SmsProvider } from '../channels/provider'
import type * as outbox from '../db/repositories/outbox'
import type { MediaStore } from '../media/media-store'
import { createLogger } from '../platform/logger'
import type { WhatsAppClient } from '../whatsapp/client'
import type { ClusterLink } from '../cluster'
import type { AccountHealth } from './account-health'
import { policyHold } from './hold-rule'
import { runSendJob, type SendError, type SendJobDeps } from './jobs'
import { sendReadReceiptJob } from './jobs/read-receipt'
import { LaneHeads } from './lane-heads'
import { LaneRunner } from './lane-runner'
import { settleSend } from './outcome'
import { KeyedRateLimiter, RateLimiter } from './rate-limiter'
import * as transitions from './transitions'
import { SQLITE_TURN_MS, TurnBudget } from './turn-budget'

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
  /** Other server instances on the same database: lanes written here are told to them, theirs heard. */
  cluster?: ClusterLink
  /** With a cluster: every lane is re-read this often (ms), in case a signal was lost. Default 30 s. */
  rescanMs?: number
  /**
   * The number's throughput and the per-user pair limit as every instance shares them (kept in
   * PostgreSQL), made for the current rates; asked before each WhatsApp send instead of this
   * process's own (read receipts still count against this process's own throughput only).
   */
  sharedLimits?: (rates: SendRates) => SharedSendLimits
}

/** The rates of the send limits (org policy; Meta's defaults when unset). */
export interface SendRates {
  messagesPerSecond: number
  pairBurst: number
  pairRefillMs: number
}

/** Send limits shared by several server instances (see db/pg/rate-limits.ts). */
export interface SharedSendLimits {
  /** When a send to `lane`'s WhatsApp user may go (`now`: now), taking nothing. */
  availableAt(lane: string, now: number): Promise<number>
  /** Takes one send to `lane`'s WhatsApp user; when it may go instead, if it may not go now. */
  take(lane: string, now: number): Promise<number | undefined>
  /** The platform said we overdid it: nothing goes (to `lane`, for `pair`) before `until`, on any instance. */
  penalize(scope: 'pair' | 'global', lane: string, until: number): Promise<void>
}

/** How long other instances leave a lane to the instance that started a send on it (see `heard`). */
export const SENDING_ELSEWHERE_MS = 2000

const ratesOf = (options: Pick<SchedulerOptions, 'messagesPerSecond' | 'pairBurst' | 'pairRefillMs'>): SendRates => ({
  messagesPerSecond: options.messagesPerSecond ?? 80,
  pairBurst: options.pairBurst ?? 45,
  pairRefillMs: options.pairRefillMs ?? 6000,
})

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
  private readonly makeShared: SchedulerOptions['sharedLimits']
  private readonly heads: LaneHeads
  /** SQLite: how much of an event-loop turn the sends and lane re-reads may hold (see turn-budget.ts). */
  private readonly budget: TurnBudget | undefined
  private sliceQueued = false
  private shared: SharedSendLimits | undefined
  /**
   * Lanes that wait, until when, for reasons the local limits do not know: a shared limit said so,
   * or another instance is sending them (it keeps them while it does, see SENDING_ELSEWHERE_MS).
   * A past time is harmless (at most one entry per lane), so nothing prunes it on every pass.
   */
  private readonly laneWaits = new Map<string, number>()
  /** Lanes this instance started a send on since it last told the others. */
  private readonly sendingHere = new Set<string>()
  private readonly stopCluster: Array<() => void> = []
  private readonly cluster: ClusterLink | undefined
  private readonly rescanMs: number
  private cancelRescan: (() => void) | undefined

  constructor(
    private readonly ctx: EngineContext,
    options: SchedulerOptions,
  ) {
    const rates = ratesOf(options)
    this.global = new RateLimiter({ ratePerSecond: rates.messagesPerSecond })
    // One at a time at the provider's pace: a carrier number has no burst to spend.
    this.smsLimit = options.smsPerSecond ? new RateLimiter({ ratePerSecond: options.smsPerSecond, burst: 1 }) : undefined
    this.pair = new KeyedRateLimiter({ burst: rates.pairBurst, refillEveryMs: rates.pairRefillMs })
    this.makeShared = options.sharedLimits
    this.shared = options.sharedLimits?.(rates)
    this.health = options.health
    this.reconcileGraceMs = options.reconcileGraceMs ?? 60_000
    this.leaseMs = (options.sendTimeoutMs ?? 30_000) + this.reconcileGraceMs
    this.cluster = options.cluster
    this.rescanMs = options.rescanMs ?? 30_000
    const cluster = options.cluster
    this.budget = ctx.store.dialect === 'sqlite' ? new TurnBudget(SQLITE_TURN_MS) : undefined
    this.heads = new LaneHeads(ctx, {
      budget: this.budget,
      ...(cluster && {
        written: (lanes: Set<string>) => {
          cluster.signal({ kind: 'lanes', lanes: [...lanes], sending: [...this.sendingHere] })
          this.sendingHere.clear()
        },
      }),
    })
    this.jobs = { ctx, whatsapp: options.whatsapp, sms: options.sms, media: options.media, optInTemplate: options.optInTemplate }
    this.runner = new LaneRunner<outbox.OutboxRow>(
      ctx.clock,
      {
        heads: () => this.dispatchableHeads(),
        nextDueAt: () => this.heads.nextDueAt(),
        // SMS are not WhatsApp's: Meta's limits do not apply to them, only the SMS provider's own.
        availableAt: (row, now) =>
          Math.max(
            this.laneWaits.get(row.lane) ?? now,
            row.kind === 'sms'
              ? Math.max(this.smsLimit?.availableAt(now) ?? now, this.smsBlockedUntil)
              : this.shared
                ? now
                : Math.max(this.global.availableAt(now), this.pair.availableAt(row.lane, now)),
          ),
        take: (row, now) => {
          if (row.kind === 'sms') {
            this.smsLimit?.tryTake(now)
            return
          }
          // Shared limits are taken in `dispatch`, once the send is this instance's.
          if (this.shared) return
          this.global.tryTake(now)
          this.pair.tryTake(row.lane, now)
        },
        start: (row, now) => this.dispatch(row, now),
        recover: (now, busy) => this.recoverExpiredLeases(now, busy),
        failed: (error) => log.error('outbox work failed, trying again in a second', { error: String(error) }),
      },
      options.maxInFlight ?? 16,
    )
  }

  /** A changed org policy or connector, for sends from now on (the team server's admin screen). */
  reconfigure(options: Pick<SchedulerOptions, 'messagesPerSecond' | 'pairBurst' | 'pairRefillMs' | 'optInTemplate'>): void {
    const rates = ratesOf(options)
    this.global = new RateLimiter({ ratePerSecond: rates.messagesPerSecond })
    this.pair = new KeyedRateLimiter({ burst: rates.pairBurst, refillEveryMs: rates.pairRefillMs })
    this.shared = this.makeShared?.(rates)
    this.jobs.optInTemplate = options.optInTemplate
    this.runner.wake()
  }

  async start(): Promise<void> {
    if (this.runner.state === 'stopped') {
      // Sends left leased by a previous run: their status webhooks could not reach us while we were
      // down, so the grace period to reconcile them starts now, not when the lease was taken.
      // Unless other instances ran meanwhile: they received those webhooks, and their own sends'
      // leases must not be pushed back each time an instance starts.
      if (!this.cluster || (await this.cluster.othersRunning()) === 0)
        await this.ctx.store.outbox.extendLeases(this.ctx.clock.now() + this.reconcileGraceMs)
      this.joinCluster()
    }
    this.runner.start()
  }

  /** Hears the lanes other instances write, re-reads everything after a gap and every `rescanMs`. */
  private joinCluster(): void {
    const cluster = this.cluster
    if (!cluster || this.stopCluster.length > 0) return
    const changed = (lanes?: string[]) => {
      this.heads.changedElsewhere(lanes)
      this.wake()
    }
    const heard = (lanes: string[], sending: string[]) => {
      // Racing the instance that is sending a lane for its next message only wastes both their
      // work (one lease is refused): it keeps the lane while it sends, the others take over once
      // it has gone quiet on it (it died, or it is stuck on a slow send).
      const until = this.ctx.clock.now() + SENDING_ELSEWHERE_MS
      for (const lane of sending) this.laneWaits.set(lane, Math.max(this.laneWaits.get(lane) ?? 0, until))
      changed(lanes)
    }
    this.stopCluster.push(
      cluster.onSignal((signal) => signal.kind === 'lanes' && heard(signal.lanes, signal.sending)),
      cluster.onGap(() => changed()),
    )
    const rescan = () => {
      this.cancelRescan = this.ctx.clock.setTimer(() => {
        changed()
        rescan()
      }, this.rescanMs)
    }
    rescan()
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
    this.cancelRescan?.()
    for (const stop of this.stopCluster.splice(0)) stop()
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
    await this.budget?.turn()
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
    const shared = row.kind === 'sms' ? undefined : this.shared
    if (shared && !this.sharedAllows(row.lane, await shared.availableAt(row.lane, now))) return
    if (!(await transitions.startSending(ctx, row.message_id, now + this.leaseMs, now, message.conversation_id))) {
      // The lane changed since it was read: the row was sent meanwhile (the read raced the send's
      // commit), or another instance leased it or an earlier one. Read again, it shows which.
      await ctx.store.outbox.markLaneChanged(row.lane)
      return
    }
    this.sendingHere.add(row.lane)
    // Taken once the send is ours (a lease lost to another instance spends nothing); another
    // instance may have spent the last token meanwhile: then the message waits again.
    if (shared && !this.sharedAllows(row.lane, await shared.take(row.lane, now))) {
      await transitions.giveBackLease(ctx, row.message_id, this.laneWaits.get(row.lane) ?? now, message.conversation_id)
      return
    }
    const settle = {
      reconcileGraceMs: this.reconcileGraceMs,
      penalize: (scope: 'pair' | 'global', lane: string, until: number) =>
        row.kind === 'sms' ? this.penalizeSms(until) : this.penalize(scope, lane, until),
      accountRefused: (error: SendError) => this.health?.pause(error),
    }
    return runSendJob(this.jobs, row.kind, message)
      .then(async (outcome) => {
        await this.budget?.turn()
        return settleSend(ctx, row, message.conversation_id, outcome, settle)
      })
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

  /** True when a shared limit's answer lets a send to `lane` go; otherwise the lane waits until it may. */
  private sharedAllows(lane: string, at: number | undefined): boolean {
    if (at === undefined || at <= this.ctx.clock.now()) return true
    this.laneWaits.set(lane, at)
    return false
  }

  private penalize(scope: 'pair' | 'global', lane: string, until: number): void {
    if (scope === 'pair') this.pair.penalize(lane, until)
    else this.global.penalize(until)
    this.shared
      ?.penalize(scope, lane, until)
      .catch((error: unknown) => log.warn('shared rate limit not penalized', { error: String(error) }))
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
      // Conditional: another instance may have recovered (and leased) it since it was read.
      await this.ctx.store.outbox.releaseExpiredLease(row.message_id, now)
    }
  }
}
