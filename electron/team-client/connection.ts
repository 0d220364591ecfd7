import WebSocket from 'ws'
import type { MediaUploadValue } from '../shared/api/contract'
import type { ApiError, Result } from '../shared/api/result'
import type { WireReply } from '../shared/api/wire'
import { reconnectDelay, type BackoffOptions } from './backoff'
import { classifyConnectionError, PROBLEM_MESSAGES, type ConnectionProblem } from './connection-errors'
import { requestJson } from './http-json'

export type ConnectionState =
  | { status: 'connecting' }
  | { status: 'online' }
  | { status: 'offline'; problem: ConnectionProblem; message: string; retryInMs: number }
  /** The server refused the token (revoked, expired, user deactivated): no more retries. */
  | { status: 'signed-out'; message: string }
  | { status: 'closed' }

export interface ConnectionOptions {
  /** The server's address, e.g. `https://greenline.acme.example` (the socket is `wss://…/api`). */
  serverUrl: string
  token: string
  /** Extra trusted certificates (a test's own authority, an office's private CA). */
  ca?: string | Buffer
  random?: () => number
  backoff?: BackoffOptions
  /** Replaceable for tests that drive the retry timer themselves. */
  setTimer?: (run: () => void, ms: number) => () => void
}

export interface ConnectionEvents {
  state(state: ConnectionState): void
  /** A live event pushed by the server (`{ event, payload }`). */
  event(name: string, payload: unknown): void
}

/** The request failed because the connection is not up (or dropped before the answer came). */
export const OFFLINE: ApiError = { code: 'unavailable', message: 'Not connected to the Greenline server' }

const defaultTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms)
  return () => clearTimeout(timer)
}

/**
 * One WebSocket to the team server's `/api`, authenticated with the device's bearer token, that
 * reconnects by itself with backoff and jitter. A token the server refuses (HTTP 401 at the
 * upgrade, or close code 4001 "Signed out" later) ends it in `signed-out`; nothing retries then.
 * Requests while offline answer `unavailable` at once, so callers (the outbox) decide what waits.
 */
export class TeamConnection {
  private socket: WebSocket | undefined
  private nextId = 1
  private readonly pending = new Map<number, (reply: Result<unknown>) => void>()
  private attempt = 0
  private cancelRetry: (() => void) | undefined
  private current: ConnectionState = { status: 'connecting' }
  private readonly random: () => number
  private readonly setTimer: NonNullable<ConnectionOptions['setTimer']>

  constructor(
    private readonly options: ConnectionOptions,
    private readonly on: ConnectionEvents,
  ) {
    this.random = options.random ?? Math.random
    this.setTimer = options.setTimer ?? defaultTimer
  }

  get state(): ConnectionState {
    return this.current
  }

  start(): void {
    if (this.current.status === 'closed' || this.current.status === 'signed-out') return
    this.open()
  }

  /** Tries again now (the network came back, the laptop woke up) instead of waiting out the backoff. */
  retryNow(): void {
    if (this.current.status !== 'offline') return
    this.cancelRetry?.()
    this.open()
  }

  request(channel: string, payload: unknown): Promise<Result<unknown>> {
    const socket = this.socket
    if (this.current.status !== 'online' || !socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.resolve({ ok: false, error: OFFLINE })
    }
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      socket.send(JSON.stringify({ id, channel, payload }))
    })
  }

  /**
   * Uploads a picture as raw bytes to `POST /media` with the device token (a 50 MB picture as
   * base64 inside a socket frame would be 70 MB held in memory on both ends). Answers the
   * `media:upload` value; a refusal of the file itself is `invalid`, anything that says "not now"
   * (offline, server error, token refused — the socket signs out then) is `unavailable`.
   */
  async uploadPicture(bytes: Uint8Array): Promise<Result<MediaUploadValue>> {
    if (this.current.status !== 'online') return { ok: false, error: OFFLINE }
    try {
      const response = await requestJson(`${this.options.serverUrl.replace(/\/+$/, '')}/media`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.options.token}` },
        bytes,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      })
      const body = response.body as (Partial<MediaUploadValue> & { message?: string }) | undefined
      if (response.status === 201 && typeof body?.mediaId === 'string') return { ok: true, value: body as MediaUploadValue }
      if (response.status === 400 || response.status === 413) {
        return { ok: false, error: { code: 'invalid', message: body?.message ?? 'The server refused this picture.' } }
      }
      return { ok: false, error: OFFLINE }
    } catch {
      return { ok: false, error: OFFLINE }
    }
  }

  /**
   * Reads media from `GET /media/:id` with the device token; the server answers only what this
   * user may see (a participant of a conversation holding it), and 404 otherwise. Answers the bytes
   * and their type, `not_found` for media the server will not give, `unavailable` when not now.
   */
  async downloadMedia(mediaId: string): Promise<Result<{ mimeType: string; bytes: Buffer }>> {
    if (this.current.status !== 'online') return { ok: false, error: OFFLINE }
    try {
      const response = await requestJson(`${this.options.serverUrl.replace(/\/+$/, '')}/media/${encodeURIComponent(mediaId)}`, {
        headers: { Authorization: `Bearer ${this.options.token}` },
        raw: true,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      })
      const type = response.headers['content-type']
      if (response.status === 200 && response.bytes) {
        return {
          ok: true,
          value: { mimeType: (Array.isArray(type) ? type[0] : type) ?? 'application/octet-stream', bytes: response.bytes },
        }
      }
      if (response.status === 404 || response.status === 400) return { ok: false, error: { code: 'not_found', message: 'No such media' } }
      return { ok: false, error: OFFLINE }
    } catch {
      return { ok: false, error: OFFLINE }
    }
  }

  close(): void {
    this.cancelRetry?.()
    this.setState({ status: 'closed' })
    this.socket?.terminate()
  }

  private open(): void {
    this.setState({ status: 'connecting' })
    const url = `${this.options.serverUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/api`
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${this.options.token}` },
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      handshakeTimeout: 15_000,
    })
    this.socket = socket
    let refused = false
    socket.on('unexpected-response', (_request, response) => {
      refused = true
      const status = response.statusCode ?? 0
      response.resume()
      socket.terminate()
      if (status === 401 || status === 403) this.signOut()
      else this.dropped('server-error')
    })
    socket.on('open', () => {
      this.attempt = 0
      this.setState({ status: 'online' })
    })
    socket.on('message', (data) => this.receive(data))
    socket.on('error', (error) => {
      if (refused) return
      this.lastError = error
    })
    socket.on('close', (code) => {
      if (this.socket === socket) this.socket = undefined
      this.failPending()
      if (refused || this.current.status === 'closed' || this.current.status === 'signed-out') return
      if (code === 4001 || code === 4003) return this.signOut()
      const error = this.lastError
      this.lastError = undefined
      this.dropped(error ? classifyConnectionError(error) : 'unreachable')
    })
  }

  private lastError: unknown

  private receive(data: WebSocket.RawData): void {
    let message: WireReply | { event: string; payload: unknown } | { id: null; ok: false }
    try {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8')
      message = JSON.parse(text) as typeof message
    } catch {
      return
    }
    if ('event' in message) return this.on.event(message.event, message.payload)
    if (typeof message.id !== 'number') return
    const resolve = this.pending.get(message.id)
    this.pending.delete(message.id)
    resolve?.(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error })
  }

  private failPending(): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: OFFLINE })
    this.pending.clear()
  }

  private dropped(problem: ConnectionProblem): void {
    const retryInMs = reconnectDelay(this.attempt++, this.random, this.options.backoff)
    this.setState({ status: 'offline', problem, message: PROBLEM_MESSAGES[problem], retryInMs })
    this.cancelRetry = this.setTimer(() => {
      this.cancelRetry = undefined
      if (this.current.status === 'offline') this.open()
    }, retryInMs)
  }

  private signOut(): void {
    this.cancelRetry?.()
    this.setState({ status: 'signed-out', message: PROBLEM_MESSAGES['refused-token'] })
  }

  private setState(state: ConnectionState): void {
    this.current = state
    this.on.state(state)
  }
}
