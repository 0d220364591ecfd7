import type { EventChannel, EventPayloads, GreenlineApi, RequestChannel, RequestOf, ValueOf } from '../../electron/shared/api/contract'
import type { ApiError, Result } from '../../electron/shared/api/result'
import { readableError } from './error-text'

/**
 * The only code in the renderer that touches the transport: Electron's preload bridge when
 * present (`window.greenline`), otherwise the browser host's WebSocket.
 */
declare global {
  interface Window {
    greenline?: GreenlineApi
    greenlineDesktop?: { startDrag(mediaId: string): void }
  }
}

export class ApiRequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

type Listener = (payload: unknown) => void

class WebSocketApi implements GreenlineApi {
  private socket: WebSocket | undefined
  private opening: Promise<WebSocket> | undefined
  private nextId = 1
  private readonly pending = new Map<number, (result: Result<unknown>) => void>()
  private readonly listeners = new Map<string, Set<Listener>>()
  private signedInAs: string | undefined
  private readonly stateListeners = new Set<(connected: boolean) => void>()

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  private open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket)
    this.opening ??= new Promise((resolve, reject) => {
      const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
      const socket = new WebSocket(`${protocol}//${location.host}/api`)
      socket.onopen = async () => {
        this.socket = socket
        this.opening = undefined
        this.stateListeners.forEach((l) => l(true))
        resolve(socket)
        // After a reconnect, act as the same user again.
        if (this.signedInAs) await this.request('session:signIn', { userId: this.signedInAs })
      }
      socket.onerror = () => {
        this.opening = undefined
        reject(new Error('Cannot reach Greenline'))
      }
      socket.onclose = () => {
        this.socket = undefined
        this.opening = undefined
        this.stateListeners.forEach((l) => l(false))
        for (const [id, resolvePending] of this.pending) {
          resolvePending({ ok: false, error: { code: 'unavailable', message: 'The connection to Greenline was lost' } })
          this.pending.delete(id)
        }
        setTimeout(() => void this.open().catch(() => undefined), 1000)
      }
      socket.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as {
          id?: number
          ok?: boolean
          value?: unknown
          error?: ApiError
          event?: string
          payload?: unknown
        }
        if (data.event) {
          this.listeners.get(data.event)?.forEach((listener) => listener(data.payload))
          return
        }
        if (typeof data.id === 'number') {
          const resolvePending = this.pending.get(data.id)
          this.pending.delete(data.id)
          resolvePending?.(data.ok ? { ok: true, value: data.value } : { ok: false, error: data.error! })
        }
      }
    })
    return this.opening
  }

  async request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<Result<ValueOf<C>>> {
    let socket: WebSocket
    try {
      socket = await this.open()
    } catch {
      return { ok: false, error: { code: 'unavailable', message: 'Cannot reach Greenline' } }
    }
    const id = this.nextId++
    const result = await new Promise<Result<unknown>>((resolve) => {
      this.pending.set(id, resolve)
      socket.send(JSON.stringify({ id, channel, payload }))
    })
    if (channel === 'session:signIn' && result.ok) this.signedInAs = (payload as { userId: string }).userId
    return result as Result<ValueOf<C>>
  }

  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set()
    set.add(listener as Listener)
    this.listeners.set(event, set)
    return () => set.delete(listener as Listener)
  }
}

const transport: GreenlineApi = window.greenline ?? new WebSocketApi()

/** True in the desktop app, where the signed-in user comes from settings. */
export const isDesktop = window.greenline !== undefined

/** Calls a channel; resolves with its value or throws ApiRequestError with a message to show. */
export async function call<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ValueOf<C>> {
  const result = await transport.request(channel, payload)
  if (!result.ok) throw new ApiRequestError(readableError(result.error))
  return result.value
}

export function onEvent<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
  return transport.on(event, listener)
}

/**
 * Dragging a picture out of a thread: in the desktop app the file itself goes to the desktop or
 * another app (Electron's startDrag); in a browser the link is dragged as usual.
 */
export function startPictureDrag(event: DragEvent, mediaId: string): void {
  if (!window.greenlineDesktop) return
  event.preventDefault()
  window.greenlineDesktop.startDrag(mediaId)
}

/** Media URL: the desktop app's protocol, or the browser host's tokened route (cookie). */
export function mediaUrl(mediaId: string, options: { download?: boolean } = {}): string {
  if (isDesktop) return `greenline-media://media/${mediaId}`
  return `/media/${mediaId}${options.download ? '?download=1' : ''}`
}
