import { createHash } from 'node:crypto'
import { inTransaction, type EngineContext } from '../context'
import { isTransactionConflict } from '../db/store'
import { applyTemplateUpdate } from './template-states'
import { createLogger } from '../platform/logger'
import { answerVerificationChallenge, verifyWebhookSignature } from '../whatsapp/signature'
import { MAX_WEBHOOK_BYTES, parseWebhookPayload } from '../whatsapp/webhook-parse'
import type { WebhookBatch } from '../whatsapp/webhook-types'
import { receivePreference, receiveWhatsAppMessage } from './inbound-service'
import { applyStatus } from './status-service'

const log = createLogger('webhooks')

/** Deliveries committed together at most (group commit across concurrent requests). */
export const MAX_GROUP = 100
/**
 * Items (messages, statuses, …) applied per transaction: a delivery with more is stored first and
 * then applied in slices of this many, the event loop getting a turn between slices (issue 16:
 * one 7,000-entry delivery stalled everything for 3.3 s).
 */
export const ITEMS_PER_SLICE = 200

export interface WebhookAnswer {
  status: number
  body: string
}

export interface WebhookIntake {
  /** `GET` subscription check: echoes `hub.challenge` when `hub.verify_token` matches. */
  verify(query: URLSearchParams): WebhookAnswer
  /**
   * `POST`: checks the signature over the raw bytes and parses it once; deliveries arriving in the
   * same turn of the event loop are stored and applied in one transaction (group commit: one
   * commit per batch, not two per delivery), and each answers 200 once its batch is committed.
   * Unsigned or forged deliveries get 401 and store nothing; malformed JSON gets 400 and is
   * recorded as rejected; a failed commit answers 503 so Meta sends it again.
   */
  receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookAnswer>
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
  let stopped = false
  let pump: Promise<void> | undefined
  const arrivals: Array<{ text: string; hash: string; payload: unknown; answer: (a: WebhookAnswer) => void }> = []

  /** Runs the pump unless it runs already: group-commits arrivals, then applies stored deliveries. */
  const kick = () => {
    pump ??= runPump().finally(() => {
      pump = undefined
      if (arrivals.length > 0 && !stopped) kick()
    })
  }

  async function runPump(): Promise<void> {
    for (;;) {
      // One turn of the event loop: requests whose bodies arrived meanwhile join this batch, so a
      // delivery waits at most one turn (plus the batch before it) for its commit.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (stopped) break
      if (arrivals.length > 0) {
        await commitArrivals(arrivals.splice(0, MAX_GROUP))
        continue
      }
      const stored = await ctx.store.webhookEvents.pendingWebhookEvents('whatsapp', 10).catch((error: unknown) => {
        // The database is away: what is stored stays pending until the next start or delivery.
        log.error('pending webhooks not read', { error: String(error) })
        return []
      })
      if (stored.length === 0) break
      for (const event of stored) if (!stopped) await applyStored(event.seq, event.body)
    }
    // A delivery that arrived during the last read is not refused: the pump starts again for it.
    if (stopped) for (const arrival of arrivals.splice(0)) arrival.answer({ status: 503, body: 'Shutting down' })
  }

  // Meta sends every number of a business account to one URL: keep only what is ours.
  const forUs = (item: { phoneNumberId?: string }) => {
    const ours = options.phoneNumberId?.()
    return !ours || !item.phoneNumberId || item.phoneNumberId === ours
  }

  type Step = (tx: EngineContext) => Promise<string | undefined>

  /** A parsed delivery as a list of steps, each applying one item in `tx` (returns a message id for media). */
  function steps(parsed: WebhookBatch): Step[] {
    const none = async (work: Promise<unknown>) => void (await work)
    return [
      ...parsed.messages.filter(forUs).map(
        (message): Step =>
          async (tx) =>
            (await receiveWhatsAppMessage(tx, message, parsed.contacts)).mediaMessageId,
      ),
      ...parsed.statuses.filter(forUs).map(
        (status): Step =>
          (tx) =>
            none(applyStatus(tx, status)),
      ),
      ...parsed.preferences.filter(forUs).map(
        (preference): Step =>
          (tx) =>
            none(receivePreference(tx, preference)),
      ),
      ...parsed.templateUpdates.map(
        (update): Step =>
          (tx) =>
            none(applyTemplateUpdate(tx, update)),
      ),
      ...parsed.accountErrors.map(
        (error): Step =>
          (tx) =>
            none(
              tx.store.ledger.appendAudit({
                at: ctx.clock.now(),
                action: 'whatsapp.account_error',
                detail: { code: error.code, title: error.title ?? null },
              }),
            ),
      ),
    ]
  }

  /** Runs `steps` in `tx`, collecting the message ids whose media must be downloaded. */
  async function runSteps(tx: EngineContext, list: readonly Step[], media: string[]): Promise<void> {
    for (const step of list) {
      const id = await step(tx)
      if (id) media.push(id)
    }
  }

  const parse = (payload: unknown) => parseWebhookPayload(payload, { receivedAt: ctx.clock.now() })
  const skippedNote = (parsed: WebhookBatch) => (parsed.skipped.length ? JSON.stringify(parsed.skipped).slice(0, 2000) : undefined)

  /**
   * Applies one stored delivery in its own transaction, or a savepoint when `scope` is already in
   * one (the group commit); a failure marks it failed without undoing the others.
   */
  async function applyInSavepoint(scope: EngineContext, seq: number, parsed: ReturnType<typeof parse>, media: string[]): Promise<void> {
    const applied: string[] = []
    try {
      await inTransaction(scope, async (tx) => {
        if (!parsed.ok) return tx.store.webhookEvents.markWebhookEvent(seq, 'failed', parsed.reason)
        await runSteps(tx, steps(parsed), applied)
        await tx.store.webhookEvents.markWebhookEvent(seq, 'processed', skippedNote(parsed))
      })
      media.push(...applied)
    } catch (error) {
      // Inside the group commit, a conflict gave up the whole group's transaction: it runs again,
      // this delivery with it. On its own (a stored delivery) the store already ran it again.
      if (isTransactionConflict(error) && scope.store !== scope.root) throw error
      log.error('webhook processing failed', { seq, error: String(error) })
      await scope.store.webhookEvents.markWebhookEvent(seq, 'failed', String(error).slice(0, 500))
    }
  }

  /** Stores and applies a group of arrivals in one transaction, then answers them all. */
  async function commitArrivals(group: typeof arrivals): Promise<void> {
    const media: string[] = []
    let big = false
    try {
      await inTransaction(ctx, async (tx) => {
        // Run again after a conflict (PostgreSQL): start over.
        media.length = 0
        big = false
        for (const arrival of group) {
          // Meta retries a delivery it thinks was lost with the same bytes, and a captured one can
          // be replayed: the same signed body is stored (and processed) once.
          if (await tx.store.webhookEvents.hasWebhookEvent('whatsapp', arrival.hash)) continue
          const seq = await tx.store.webhookEvents.storeWebhookEvent({
            receivedAt: ctx.clock.now(),
            source: 'whatsapp',
            bodySha256: arrival.hash,
            body: arrival.text,
            state: 'pending',
          })
          const parsed = parse(arrival.payload)
          // A big delivery stays pending here and is applied in slices by the pump.
          if (parsed.ok && steps(parsed).length > ITEMS_PER_SLICE) big = true
          else await applyInSavepoint(tx, seq, parsed, media)
        }
      })
    } catch (error) {
      log.error('webhook batch not stored', { deliveries: group.length, error: String(error) })
      for (const arrival of group) arrival.answer({ status: 503, body: 'Not stored, send again' })
      return
    }
    for (const arrival of group) arrival.answer({ status: 200, body: 'OK' })
    for (const id of media) options.onMedia(id)
    if (big) kick()
  }

  /** A stored delivery (a big one, or one left by a restart), applied in slices that yield. */
  async function applyStored(seq: number, body: string): Promise<void> {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(JSON.parse(body))
    } catch (error) {
      await ctx.store.webhookEvents.markWebhookEvent(seq, 'failed', String(error).slice(0, 500))
      return
    }
    const media: string[] = []
    if (!parsed.ok || steps(parsed).length <= ITEMS_PER_SLICE) {
      await applyInSavepoint(ctx, seq, parsed, media)
    } else {
      // Applying an item twice is harmless (messages are unique by WhatsApp id, statuses only move
      // forward), so a crash between slices re-applies the delivery from its start.
      const all = steps(parsed)
      try {
        for (let from = 0; from < all.length; from += ITEMS_PER_SLICE) {
          await inTransaction(ctx, (tx) => runSteps(tx, all.slice(from, from + ITEMS_PER_SLICE), media))
          if (from + ITEMS_PER_SLICE < all.length) await new Promise<void>((resolve) => setImmediate(resolve))
          if (stopped) return
        }
        await ctx.store.webhookEvents.markWebhookEvent(seq, 'processed', skippedNote(parsed))
      } catch (error) {
        log.error('webhook processing failed', { seq, error: String(error) })
        await ctx.store.webhookEvents.markWebhookEvent(seq, 'failed', String(error).slice(0, 500))
      }
    }
    for (const id of media) options.onMedia(id)
  }

  const intake: WebhookIntake = {
    verify(query) {
      const challenge = answerVerificationChallenge(Object.fromEntries(query), options.verifyToken())
      return challenge === undefined ? { status: 403, body: 'Verification failed' } : { status: 200, body: challenge }
    },

    receive(rawBody, signatureHeader) {
      if (stopped) return Promise.resolve({ status: 503, body: 'Shutting down' })
      if (rawBody.byteLength > MAX_WEBHOOK_BYTES) return Promise.resolve({ status: 413, body: 'Payload too large' })
      if (!verifyWebhookSignature(rawBody, signatureHeader, options.appSecret())) {
        return Promise.resolve({ status: 401, body: 'Invalid signature' })
      }
      const text = rawBody.toString('utf8')
      const hash = createHash('sha256').update(rawBody).digest('hex')
      let payload: unknown
      try {
        payload = JSON.parse(text)
      } catch {
        // Kept as evidence of what was sent; answered 400 even if that write fails.
        return ctx.store.webhookEvents
          .storeWebhookEvent({
            receivedAt: ctx.clock.now(),
            source: 'whatsapp',
            bodySha256: hash,
            body: text,
            state: 'rejected',
            error: 'malformed JSON',
          })
          .catch((error: unknown) => log.error('rejected webhook not stored', { error: String(error) }))
          .then(() => ({ status: 400, body: 'Malformed JSON' }))
      }
      return new Promise((answer) => {
        arrivals.push({ text, hash, payload, answer })
        kick()
      })
    },

    processPending() {
      if (!stopped) kick()
    },

    async drained() {
      while (pump) await pump
    },

    stop() {
      stopped = true
    },
  }
  return intake
}
