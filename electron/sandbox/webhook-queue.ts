import { createHmac, randomBytes } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type { Clock } from '../shared/clock'

export type WebhookTarget = 'whatsapp' | 'sms'

export interface WebhookChaos {
  duplicate: number
  shuffle: number
}

export interface WebhookQueueOptions {
  clock: Clock
  appSecret: string
  random: () => number
  chaos: () => WebhookChaos
  /** Give up after this many attempts; by default Meta's rule applies instead (retry for 7 days). */
  maxAttempts?: number
  firstRetryMs?: number
  requestTimeoutMs?: number
  /** Deliveries posted at once (Meta's are concurrent); 1 keeps them in order. */
  concurrency?: number
  /** Told when a delivery is queued and when it is done with (posted or given up), so it outlives a restart. */
  journal?: WebhookJournal
}

export interface WebhookJournal {
  added(delivery: PendingWebhook): void
  done(id: string): void
}

/** A webhook not yet posted successfully, as kept across restarts. */
export interface PendingWebhook {
  id: string
  target: WebhookTarget
  body: string
}

interface Delivery extends PendingWebhook {
  attempts: number
  /** Clock time of the first failed attempt: Meta keeps retrying for 7 days from there. */
  firstFailedAt?: number
}

/** Meta retries a failed delivery "with decreasing frequency … for up to 7 days". */
export const WEBHOOK_RETRY_FOR_MS = 7 * 24 * 60 * 60 * 1000
/** The longest pause between two retries (our reading of "decreasing frequency"). */
export const WEBHOOK_RETRY_MAX_GAP_MS = 60 * 60 * 1000

/** The pause before retry number `attempt` (1 = the first retry): doubling from `firstMs`, at most hourly. */
export function webhookRetryDelayMs(attempt: number, firstMs = 1000): number {
  return Math.min(firstMs * 2 ** Math.min(attempt - 1, 30), WEBHOOK_RETRY_MAX_GAP_MS)
}

// Unique across restarts of the same sandbox (the journal keys deliveries by it).
const idPrefix = randomBytes(4).toString('hex')
let lastId = 0

/**
 * Meta's webhook bodies are ASCII: every other character is escaped as `\uXXXX` (an emoji as its
 * two UTF-16 halves), and the signature is computed over those bytes. Client libraries rely on it
 * (whatsapp-api-js escapes the raw body the same way before checking the signature).
 */
export function asMetaSendsIt(json: string): string {
  return json.replace(/[^\0-~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** `sha256=` + hex HMAC-SHA256 of the exact body bytes, keyed with the app secret. */
export function signBody(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`
}

/**
 * Sends signed webhook POSTs, by default one at a time and in order (unless chaos shuffles them). A delivery
 * answered with anything but HTTP 200 is set aside and retried on clock timers (1 s, 2 s, 4 s …,
 * then hourly) so it never blocks the others; as at Meta, it is dropped 7 days after it first
 * failed (the sandbox clock compresses that), or after `maxAttempts` when set. Deliveries for a target with
 * no URL yet are held until one is set.
 */
export class WebhookQueue {
  private readonly urls: Partial<Record<WebhookTarget, string>> = {}
  private readonly ready: Delivery[] = []
  private readonly held: Delivery[] = []
  private readonly waiting = new Map<Delivery, () => void>()
  private readonly idleWaiters: Array<() => void> = []
  private readonly flushWaiters: Array<() => void> = []
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }
  private inFlight = 0
  private pumping = false
  private closed = false
  private counts = { delivered: 0, dropped: 0, posts: 0 }

  constructor(private readonly options: WebhookQueueOptions) {}

  setUrl(target: WebhookTarget, url: string | undefined): void {
    this.urls[target] = url || undefined
    if (!url) return
    const release = this.held.filter((d) => d.target === target)
    for (const delivery of release) this.held.splice(this.held.indexOf(delivery), 1)
    this.ready.push(...release)
    this.kick()
  }

  url(target: WebhookTarget): string | undefined {
    return this.urls[target]
  }

  enqueue(target: WebhookTarget, payload: unknown): void {
    if (this.closed) return
    const json = JSON.stringify(payload)
    const delivery = { id: `${idPrefix}-${++lastId}`, target, body: target === 'whatsapp' ? asMetaSendsIt(json) : json, attempts: 0 }
    this.options.journal?.added(delivery)
    this.queue(delivery)
  }

  /** Queues deliveries a previous run of the sandbox had not posted yet (in their original order). */
  restore(pending: readonly PendingWebhook[]): void {
    for (const { id, target, body } of pending) this.queue({ id, target, body, attempts: 0 })
  }

  private queue(delivery: Delivery): void {
    if (this.urls[delivery.target]) this.ready.push(delivery)
    else this.held.push(delivery)
    this.kick()
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry (held deliveries excepted). */
  idle(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Resolves once nothing is queued or in flight; deliveries waiting for a retry timer may remain. */
  flushed(): Promise<void> {
    if (this.ready.length + this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.flushWaiters.push(resolve))
  }

  stats(): { pending: number; held: number; delivered: number; dropped: number; posts: number } {
    return { pending: this.pending(), held: this.held.length, ...this.counts }
  }

  close(): void {
    this.closed = true
    for (const cancel of this.waiting.values()) cancel()
    this.waiting.clear()
    this.ready.length = 0
    this.agents.http.destroy()
    this.agents.https.destroy()
    this.settle()
  }

  private pending(): number {
    return this.ready.length + this.waiting.size + this.inFlight
  }

  private kick(): void {
    if (this.pumping || this.closed) return
    this.pumping = true
    // Deferred so deliveries enqueued together (e.g. sent + delivered) can be shuffled together.
    setImmediate(() => void this.pump())
  }

  private async pump(): Promise<void> {
    const workers = Math.max(1, this.options.concurrency ?? 1)
    await Promise.all(Array.from({ length: workers }, () => this.work()))
    this.pumping = false
    this.settle()
  }

  private async work(): Promise<void> {
    while (this.ready.length > 0 && !this.closed) {
      const shuffle = this.options.random() < this.options.chaos().shuffle
      const index = shuffle ? Math.floor(this.options.random() * this.ready.length) : 0
      const [delivery] = this.ready.splice(index, 1)
      const url = this.urls[delivery.target]
      if (!url) {
        this.held.push(delivery)
        continue
      }
      this.inFlight++
      const ok = await this.post(url, delivery.body)
      if (this.options.random() < this.options.chaos().duplicate) await this.post(url, delivery.body)
      this.inFlight--
      if (ok) {
        this.counts.delivered++
        this.options.journal?.done(delivery.id)
      } else this.retryLater(delivery)
    }
  }

  private retryLater(delivery: Delivery): void {
    delivery.attempts++
    if (this.closed) return
    const now = this.options.clock.now()
    delivery.firstFailedAt ??= now
    const maxAttempts = this.options.maxAttempts
    const givenUp = maxAttempts !== undefined ? delivery.attempts >= maxAttempts : now - delivery.firstFailedAt >= WEBHOOK_RETRY_FOR_MS
    if (givenUp) {
      this.counts.dropped++
      this.options.journal?.done(delivery.id)
      return
    }
    const delay = webhookRetryDelayMs(delivery.attempts, this.options.firstRetryMs)
    const cancel = this.options.clock.setTimer(() => {
      this.waiting.delete(delivery)
      this.ready.push(delivery)
      this.kick()
    }, delay)
    this.waiting.set(delivery, cancel)
  }

  private settle(): void {
    if (this.ready.length + this.inFlight === 0 || this.closed) for (const resolve of this.flushWaiters.splice(0)) resolve()
    if (this.pending() > 0 && !this.closed) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private post(url: string, body: string): Promise<boolean> {
    this.counts.posts++
    return new Promise((resolve) => {
      let target: URL
      try {
        target = new URL(url)
      } catch {
        resolve(false)
        return
      }
      const secure = target.protocol === 'https:'
      const request = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-hub-signature-256': signBody(body, this.options.appSecret),
            'user-agent': 'facebookexternalua',
          },
          timeout: this.options.requestTimeoutMs ?? 10_000,
        },
        (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode === 200))
          response.on('error', () => resolve(false))
        },
      )
      request.on('timeout', () => request.destroy(new Error('webhook timeout')))
      request.on('error', () => resolve(false))
      request.end(body)
    })
  }
}
