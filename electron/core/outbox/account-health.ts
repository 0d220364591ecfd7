import type { AccountHealthView } from '../../shared/domain'
import { inTransaction, type EngineContext } from '../context'
import { createLogger } from '../platform/logger'
import type { SendError } from './jobs'
import * as transitions from './transitions'
import { whatsAppReasonText } from '../whatsapp/errors'
import type { EngineText } from '../../shared/api/engine-text'

const log = createLogger('account-health')

/**
 * Codes that concern the whole business number or account, not one message or one person: every
 * later message would fail the same way. Every `auth` error (0, 3, 10, 190, 131005, 200–299) is one
 * too. 131053 is left out: it is about one file.
 */
export const ACCOUNT_WIDE_CODES: ReadonlySet<number> = new Set([368, 131031, 131042, 131045, 131037, 133010])

export function isAccountWide(error: SendError): boolean {
  if (error.kind === 'auth') return true
  return error.code !== undefined && ACCOUNT_WIDE_CODES.has(error.code)
}

/** First probe a while after the pause, then doubling up to the maximum. */
export const FIRST_PROBE_MS = 30_000
export const MAX_PROBE_MS = 15 * 60_000

export interface AccountHealthOptions {
  /** The number whose outbox pauses (the connector's phone number id; `sandbox` there). */
  phoneNumberId: string
  /** Asks WhatsApp whether the account works again; absent: only an admin can resume. */
  probe?: () => Promise<{ ok: true } | { ok: false; error: SendError }>
  firstProbeMs?: number
  maxProbeMs?: number
}

export type ResumedBy = 'probe' | 'admin' | 'start'

/**
 * The health of the business number, which the outbox consults before each WhatsApp send. When
 * WhatsApp refuses the whole account, `pause` holds every waiting WhatsApp message with the reason
 * `account_paused` (held, never failed, attempts given back), tells everyone signed in (admins can
 * resume) and logs it; a probe on the clock checks the account with backoff and `resume` releases
 * the held messages in their order once it answers. The pause is persisted: after a restart the
 * number stays paused, and the first probe goes at once (a new token may have been set meanwhile).
 * SMS is not WhatsApp's: it is never held here.
 */
export class AccountHealth {
  private cancelProbe: (() => void) | undefined
  private probeDelayMs: number
  private nextProbeAt: number | undefined
  private stopped = false
  private unsubscribeJump: (() => void) | undefined
  private probing: Promise<void> | undefined

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: AccountHealthOptions,
  ) {
    this.probeDelayMs = options.firstProbeMs ?? FIRST_PROBE_MS
  }

  async isPaused(): Promise<boolean> {
    return (await this.ctx.store.accountHealth.getAccountPause(this.options.phoneNumberId)) !== undefined
  }

  async view(): Promise<AccountHealthView> {
    const pause = await this.ctx.store.accountHealth.getAccountPause(this.options.phoneNumberId)
    if (!pause) return { paused: false }
    return {
      paused: true,
      reason: pause.reason,
      ...withReasonText(whatsAppReasonText(pause.code, pause.reason)),
      since: pause.since,
      ...(pause.code !== null ? { code: pause.code } : {}),
      ...(this.nextProbeAt !== undefined ? { nextCheckAt: this.nextProbeAt } : {}),
    }
  }

  /** Starts probing a pause left by a previous run. */
  async start(): Promise<void> {
    this.stopped = false
    // A clock jump (the sandbox's) past the next check runs it at once, as the outbox does.
    this.unsubscribeJump ??= this.ctx.clock.onJump((now) => {
      if (this.nextProbeAt !== undefined && now >= this.nextProbeAt && !this.probing) this.fireProbe()
    })
    if (this.options.probe && (await this.isPaused())) this.fireProbe()
  }

  /** Resolves once no probe is under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.probing) await this.probing
  }

  stop(): void {
    this.stopped = true
    this.unsubscribeJump?.()
    this.unsubscribeJump = undefined
    this.cancelProbe?.()
    this.cancelProbe = undefined
  }

  /** WhatsApp refused the account: holds every waiting WhatsApp message and says so. */
  async pause(error: SendError): Promise<void> {
    const now = this.ctx.clock.now()
    const wasPaused = await this.isPaused()
    await inTransaction(this.ctx, async (tx) => {
      await tx.store.accountHealth.saveAccountPause({
        phoneNumberId: this.options.phoneNumberId,
        code: error.code,
        reason: error.reason,
        since: now,
      })
      for (const row of await tx.store.accountHealth.whatsAppRowsToHold()) await transitions.hold(tx, row.message_id, 'account_paused', now)
    })
    if (wasPaused) return
    log.warn('WhatsApp refused the business account: sending paused', { code: error.code, kind: error.kind })
    this.probeDelayMs = this.options.firstProbeMs ?? FIRST_PROBE_MS
    this.scheduleProbe(this.probeDelayMs)
    await this.announce()
  }

  /** The account works again (or an admin says so): held messages go out in the order they were written. */
  async resume(by: ResumedBy): Promise<boolean> {
    const now = this.ctx.clock.now()
    let released = 0
    const cleared = await inTransaction(this.ctx, async (tx) => {
      if (!(await tx.store.accountHealth.clearAccountPause(this.options.phoneNumberId))) return false
      for (const row of await tx.store.accountHealth.rowsHeldForAccount()) {
        await transitions.release(tx, row.message_id, now)
        released++
      }
      return true
    })
    if (!cleared) return false
    this.cancelProbe?.()
    this.cancelProbe = undefined
    this.nextProbeAt = undefined
    log.info('WhatsApp business account works again: sending resumed', { by, released })
    await this.announce()
    this.ctx.wakeOutbox()
    return true
  }

  private async announce(): Promise<void> {
    this.ctx.events.publishToAll('account:changed', await this.view())
  }

  private scheduleProbe(delayMs: number): void {
    if (!this.options.probe || this.stopped) return
    this.cancelProbe?.()
    this.nextProbeAt = this.ctx.clock.now() + delayMs
    this.cancelProbe = this.ctx.clock.setTimer(() => this.fireProbe(), delayMs)
  }

  private fireProbe(): void {
    this.cancelProbe?.()
    this.cancelProbe = undefined
    this.nextProbeAt = undefined
    const probing = this.runProbe()
      .catch((error: unknown) => {
        // The database went away mid-probe: check again later.
        log.error('account check failed', { error: String(error) })
        this.scheduleProbe(this.probeDelayMs)
      })
      .finally(() => {
        if (this.probing === probing) this.probing = undefined
      })
    this.probing = probing
  }

  private async runProbe(): Promise<void> {
    if (!this.options.probe || this.stopped || !(await this.isPaused())) return
    let result: Awaited<ReturnType<NonNullable<AccountHealthOptions['probe']>>>
    try {
      result = await this.options.probe()
    } catch (error) {
      result = { ok: false, error: { kind: 'transient', reason: String(error) } }
    }
    if (this.stopped) return
    if (result.ok) {
      await this.resume('probe')
      return
    }
    if (isAccountWide(result.error) && (await this.isPaused())) {
      // Still refused: keep the newest reason (a lock may follow a restriction).
      await this.ctx.store.accountHealth.saveAccountPause({
        phoneNumberId: this.options.phoneNumberId,
        code: result.error.code,
        reason: result.error.reason,
        since: this.ctx.clock.now(),
      })
    }
    this.probeDelayMs = Math.min(this.probeDelayMs * 2, this.options.maxProbeMs ?? MAX_PROBE_MS)
    this.scheduleProbe(this.probeDelayMs)
  }
}

function withReasonText(text: EngineText | undefined): { reasonText?: EngineText } {
  return text ? { reasonText: text } : {}
}
