import WebSocket from 'ws'
import type { EventChannel, EventPayloads, RequestChannel, RequestOf, ValueOf } from '../../electron/shared/api/contract'
import type { ApiError } from '../../electron/shared/api/result'

type Reply = { id: number; ok: true; value: unknown } | { id: number | null; ok: false; error: ApiError }

/** A scripted API client over the browser host's WebSocket, as README documents it. */
export class WsClient {
  private nextId = 1
  private readonly pending = new Map<number, (reply: Reply) => void>()
  readonly events: Array<{ event: string; payload: unknown }> = []
  private readonly waiters = new Set<() => void>()
  readonly errors: Reply[] = []

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)))
    socket.on('message', (data) => {
      const message = JSON.parse(
        Buffer.concat(Array.isArray(data) ? data : [Buffer.isBuffer(data) ? data : Buffer.from(data)]).toString('utf8'),
      ) as Reply | { event: string; payload: unknown }
      if ('event' in message) {
        this.events.push(message)
        for (const waiter of [...this.waiters]) waiter()
      } else if (message.id === null) this.errors.push(message)
      else this.pending.get(message.id)?.(message)
    })
  }

  /** Resolves with the close code when the server ends the connection. */
  readonly closed: Promise<number>

  static connect(
    url: string,
    options: { token?: string; user?: string; origin?: string; headers?: Record<string, string> } = {},
  ): Promise<WsClient> {
    const params = new URLSearchParams()
    if (options.token) params.set('token', options.token)
    if (options.user) params.set('user', options.user)
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api?${params}`, {
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    })
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)))
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      socket.once('error', reject)
    })
  }

  send(raw: string): void {
    this.socket.send(raw)
  }

  raw(channel: string, payload: unknown): Promise<Reply> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.socket.send(JSON.stringify({ id, channel, payload }))
    })
  }

  async request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ValueOf<C>> {
    const reply = await this.raw(channel, payload)
    if (!reply.ok) throw Object.assign(new Error(`${channel}: ${reply.error.code}: ${reply.error.message}`), { apiError: reply.error })
    return reply.value as ValueOf<C>
  }

  /** Resolves with the first event (past or future) that matches. */
  waitFor<E extends EventChannel>(event: E, match: (payload: EventPayloads[E]) => boolean = () => true): Promise<EventPayloads[E]> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.events.find((e) => e.event === event && match(e.payload as EventPayloads[E]))
        if (found) {
          this.waiters.delete(check)
          resolve(found.payload as EventPayloads[E])
          return true
        }
        return false
      }
      if (!check()) this.waiters.add(check)
    })
  }

  close(): void {
    this.socket.close()
  }
}
