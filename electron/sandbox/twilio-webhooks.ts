import { createHmac } from 'node:crypto'
import type { Clock } from '../shared/clock'

/**
 * X-Twilio-Signature as Twilio computes it: base64 HMAC-SHA1 (key: the auth token) of the URL
 * followed by each POST parameter's name and value, sorted by name. Written here on its own so
 * the sandbox, like Twilio, signs independently of the engine that verifies.
 */
export function signTwilio(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url)
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64')
}

interface Post {
  url: string
  params: Record<string, string>
  attempts: number
}

/**
 * Posts Twilio-style webhooks (form-encoded, signed) one at a time and in order, as Twilio does for
 * one message's status callbacks. A post answered with anything but 2xx is retried on the clock
 * (1 s, 2 s, 4 s …) up to `maxAttempts`, then dropped.
 */
export class TwilioWebhookPoster {
  private readonly queue: Post[] = []
  private readonly timers = new Set<() => void>()
  private readonly idleWaiters: Array<() => void> = []
  private running = false
  private closed = false
  private waiting = 0
  readonly log: Array<{ url: string; params: Record<string, string>; status: number }> = []

  constructor(private readonly options: { clock: Clock; authToken: string; maxAttempts?: number }) {}

  post(url: string, params: Record<string, string>): void {
    if (this.closed) return
    this.queue.push({ url, params, attempts: 0 })
    void this.pump()
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0 && this.waiting === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  close(): void {
    this.closed = true
    for (const cancel of this.timers) cancel()
    this.timers.clear()
    this.queue.length = 0
    this.waiting = 0
    this.settle()
  }

  private async pump(): Promise<void> {
    if (this.running) return
    this.running = true
    while (this.queue.length > 0 && !this.closed) {
      const post = this.queue.shift()!
      const status = await this.send(post)
      this.log.push({ url: post.url, params: post.params, status })
      if (status < 200 || status >= 300) this.retryLater(post)
    }
    this.running = false
    this.settle()
  }

  private retryLater(post: Post): void {
    post.attempts++
    if (this.closed || post.attempts >= (this.options.maxAttempts ?? 6)) return
    this.waiting++
    const cancel = this.options.clock.setTimer(
      () => {
        this.timers.delete(cancel)
        this.waiting--
        this.queue.push(post)
        void this.pump()
      },
      1000 * 2 ** (post.attempts - 1),
    )
    this.timers.add(cancel)
  }

  private settle(): void {
    if (this.running || this.queue.length > 0 || (this.waiting > 0 && !this.closed)) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private async send(post: Post): Promise<number> {
    try {
      const response = await fetch(post.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          'x-twilio-signature': signTwilio(this.options.authToken, post.url, post.params),
          'user-agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(post.params).toString(),
        signal: AbortSignal.timeout(10_000),
      })
      await response.arrayBuffer().catch(() => undefined)
      return response.status
    } catch {
      return 0
    }
  }
}
