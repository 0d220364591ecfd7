import { createHash } from 'node:crypto'
import type { EngineContext } from '../context'
import { appendAudit } from '../db/repositories/ledger'
import { hasWebhookEvent, markWebhookEvent, pendingWebhookEvents, storeWebhookEvent } from '../db/repositories/webhook-events'
import { createLogger } from '../platform/logger'
import { answerVerificationChallenge, verifyWebhookSignature } from '../whatsapp/signature'
import { MAX_WEBHOOK_BYTES, parseWebhookPayload } from '../whatsapp/webhook-parse'
import { receivePreference, receiveWhatsAppMessage } from './inbound-service'
import { applyStatus } from './status-service'

const log = createLogger('webhooks')

export interface WebhookAnswer {
  status: number
  body: string
}

export interface WebhookIntake {
  /** `GET` subscription check: echoes `hub.challenge` when `hub.verify_token` matches. */
  verify(query: URLSearchParams): WebhookAnswer
  /**
   * `POST`: checks the signature over the raw bytes, stores the delivery raw, answers 200 at
   * once and processes it right after. Unsigned or forged deliveries get 401 and store nothing;
   * malformed JSON gets 400 and is recorded as rejected.
   */
  receive(rawBody: Buffer, signatureHeader: string | undefined): WebhookAnswer
  /** Processes stored deliveries not yet processed (also after a restart). */
  processPending(): void
  /** Resolves when everything received so far has been processed. */
  drained(): Promise<void>
  /** Stops processing (before the database closes); stored deliveries are processed at the next start. */
  stop(): void
}

export function createWebhookIntake(
  ctx: EngineContext,
  options: {
    appSecret: () => string
    verifyToken: () => string
    onMedia: (messageId: string) => void
    /** Our business number; items addressed to another number of the same account are ignored. */
    phoneNumberId?: () => string | undefined
  },
): WebhookIntake {
  let scheduled = false
  let stopped = false
  let waiting: Array<() => void> = []

  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      intake.processPending()
    })
  }

  /** Applies one stored delivery; returns the new messages whose media must be downloaded. */
  function processOne(seq: number, body: string): string[] {
    const parsed = parseWebhookPayload(JSON.parse(body), { receivedAt: ctx.clock.now() })
    if (!parsed.ok) {
      markWebhookEvent(ctx.db, seq, 'failed', parsed.reason)
      return []
    }
    // Meta sends every number of a business account to one URL: keep only what is ours.
    const ours = options.phoneNumberId?.()
    const forUs = (item: { phoneNumberId?: string }) => !ours || !item.phoneNumberId || item.phoneNumberId === ours
    const media: string[] = []
    for (const message of parsed.messages.filter(forUs)) {
      const result = receiveWhatsAppMessage(ctx, message, parsed.contacts)
      if (result.mediaMessageId) media.push(result.mediaMessageId)
    }
    for (const status of parsed.statuses.filter(forUs)) applyStatus(ctx, status)
    for (const preference of parsed.preferences.filter(forUs)) receivePreference(ctx, preference)
    for (const error of parsed.accountErrors) {
      appendAudit(ctx.db, {
        at: ctx.clock.now(),
        action: 'whatsapp.account_error',
        detail: { code: error.code, title: error.title ?? null },
      })
    }
    markWebhookEvent(ctx.db, seq, 'processed', parsed.skipped.length ? JSON.stringify(parsed.skipped).slice(0, 2000) : undefined)
    return media
  }

  const intake: WebhookIntake = {
    verify(query) {
      const challenge = answerVerificationChallenge(Object.fromEntries(query), options.verifyToken())
      return challenge === undefined ? { status: 403, body: 'Verification failed' } : { status: 200, body: challenge }
    },

    receive(rawBody, signatureHeader) {
      if (stopped) return { status: 503, body: 'Shutting down' }
      if (rawBody.byteLength > MAX_WEBHOOK_BYTES) return { status: 413, body: 'Payload too large' }
      if (!verifyWebhookSignature(rawBody, signatureHeader, options.appSecret())) {
        return { status: 401, body: 'Invalid signature' }
      }
      const text = rawBody.toString('utf8')
      const hash = createHash('sha256').update(rawBody).digest('hex')
      try {
        JSON.parse(text)
      } catch {
        storeWebhookEvent(ctx.db, {
          receivedAt: ctx.clock.now(),
          source: 'whatsapp',
          bodySha256: hash,
          body: text,
          state: 'rejected',
          error: 'malformed JSON',
        })
        return { status: 400, body: 'Malformed JSON' }
      }
      // Meta retries a delivery it thinks was lost with the same bytes, and a captured one can be
      // replayed: the same signed body is stored (and processed) once.
      if (hasWebhookEvent(ctx.db, 'whatsapp', hash)) return { status: 200, body: 'OK' }
      storeWebhookEvent(ctx.db, { receivedAt: ctx.clock.now(), source: 'whatsapp', bodySha256: hash, body: text, state: 'pending' })
      schedule()
      return { status: 200, body: 'OK' }
    },

    processPending() {
      for (;;) {
        if (stopped) break
        const batch = pendingWebhookEvents(ctx.db, 100)
        if (batch.length === 0) break
        const media: string[] = []
        // One commit per batch; each delivery in its own savepoint, so one bad delivery is marked
        // failed without undoing the others.
        ctx.db.transaction(() => {
          for (const event of batch) {
            try {
              media.push(...ctx.db.transaction(() => processOne(event.seq, event.body))())
            } catch (error) {
              log.error('webhook processing failed', { seq: event.seq, error: String(error) })
              markWebhookEvent(ctx.db, event.seq, 'failed', String(error).slice(0, 500))
            }
          }
        })()
        for (const id of media) options.onMedia(id)
      }
      const done = waiting
      waiting = []
      for (const resolve of done) resolve()
    },

    drained() {
      if (!scheduled) return Promise.resolve()
      return new Promise((resolve) => waiting.push(resolve))
    },

    stop() {
      stopped = true
    },
  }
  return intake
}
