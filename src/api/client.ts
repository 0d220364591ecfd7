import type {
  EventChannel,
  EventPayloads,
  GreenlineApi,
  MediaUploadValue,
  RequestChannel,
  RequestOf,
  ValueOf,
} from '../../electron/shared/api/contract'
import type { ApiError, Result } from '../../electron/shared/api/result'
import { t } from '../i18n'
import { readableError } from './error-text'

/**
 * The only code in the renderer that touches the transport: Electron's preload bridge when
 * present (`window.greenline`), otherwise the browser host's WebSocket.
 */
declare global {
  interface Window {
    greenline?: GreenlineApi
    greenlineDesktop?: { startDrag(mediaId: string): void; setLanguage?(locale: string): void }
  }
}

export class ApiRequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

type Listener = (payload: unknown) => void

const RECONNECT_MIN_MS = 1000
const RECONNECT_MAX_MS = 30_000

class WebSocketApi implements GreenlineApi {
  private socket: WebSocket | undefined
  private opening: Promise<WebSocket> | undefined
  private nextId = 1
  private readonly pending = new Map<number, (result: Result<unknown>) => void>()
  private readonly listeners = new Map<string, Set<Listener>>()
  private signedInAs: string | undefined
  private readonly stateListeners = new Set<(connected: boolean) => void>()
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private reconnectDelay = RECONNECT_MIN_MS

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  private open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket)
    if (this.opening) return this.opening
    const attempt: Promise<WebSocket> = new Promise((resolve, reject) => {
      const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
      const socket = new WebSocket(`${protocol}//${location.host}/api`)
      let opened = false
      // Handlers of an old socket must not clear the state of a newer attempt (a late close
      // would otherwise orphan it and let the next call open a second socket).
      const settle = () => {
        if (this.opening === attempt) this.opening = undefined
      }
      socket.onopen = async () => {
        opened = true
        this.socket = socket
        this.reconnectDelay = RECONNECT_MIN_MS
        settle()
        this.stateListeners.forEach((l) => l(true))
        resolve(socket)
        // After a reconnect, act as the same user again.
        if (this.signedInAs) await this.request('session:signIn', { userId: this.signedInAs })
      }
      socket.onerror = () => {
        settle()
        reject(new Error(t('errors.unreachable')))
      }
      socket.onclose = (event: CloseEvent | undefined) => {
        settle()
        const tooLarge = event?.code === 1009
        // A socket refused at the upgrade (the team server before sign-in) may close without an
        // error event: fail the attempt, so the next call opens a fresh socket instead of waiting
        // on this one forever. (A no-op once the promise has settled.)
        reject(new Error(t('errors.unreachable')))
        if (this.socket === socket) this.socket = undefined
        // Requests only go out on an open socket, so only a lost connection has any to fail.
        if (opened) {
          this.stateListeners.forEach((l) => l(false))
          // 1009: the host refused a frame over its size limit (pictures go over HTTP, never here).
          const message = tooLarge ? t('errors.tooLarge') : t('errors.connectionLost')
          for (const [id, resolvePending] of this.pending) {
            resolvePending({ ok: false, error: { code: tooLarge ? 'invalid' : 'unavailable', message } })
            this.pending.delete(id)
          }
        }
        this.scheduleReconnect()
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
    this.opening = attempt
    return attempt
  }

  /** One pending retry at a time, backing off while the host keeps refusing (down, or signed out). */
  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined) return
    const delay = this.reconnectDelay
    this.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.open().catch(() => undefined)
    }, delay)
  }

  /** Opens the connection now, so the first request does not wait for it (a failure is retried as usual). */
  connect(): void {
    this.open().catch(() => undefined)
  }

  async request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<Result<ValueOf<C>>> {
    let socket: WebSocket
    try {
      // Sent at once on an open socket, not a microtask later: a screen that asks while it
      // mounts (a thread opening) would otherwise send only after its whole first render.
      socket = this.socket?.readyState === WebSocket.OPEN ? this.socket : await this.open()
    } catch {
      return { ok: false, error: { code: 'unavailable', message: t('errors.unreachable') } }
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

const socketApi = window.greenline ? undefined : new WebSocketApi()
const transport: GreenlineApi = window.greenline ?? socketApi!

/**
 * Starts opening the browser host's WebSocket before the first request needs it (a no-op in the
 * desktop app), so a reload does not wait for the host's answer and then for the socket in turn.
 */
export function preconnect(): void {
  socketApi?.connect()
}

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

/**
 * Sends a picture's bytes to be prepared (typed from its bytes, converted, shrunk): over IPC as a
 * Uint8Array in the desktop app, as the raw body of `POST /media` in a browser. Never base64.
 * @throws ApiRequestError with a message to show
 */
export async function uploadMedia(file: Blob, filename?: string): Promise<MediaUploadValue> {
  if (isDesktop) {
    const bytes = new Uint8Array(await file.arrayBuffer())
    return call('media:upload', { bytes, ...(filename ? { filename } : {}) })
  }
  let response: Response
  try {
    response = await fetch('/media', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: file,
    })
  } catch {
    throw new ApiRequestError({ code: 'unavailable', message: t('errors.unreachable') })
  }
  const body = (await response.json().catch(() => ({}))) as Partial<ApiError> & Partial<MediaUploadValue>
  if (response.ok) return body as MediaUploadValue
  if (response.status === 401) throw new ApiRequestError({ code: 'forbidden', message: t('errors.signInForPictures') })
  const code = response.status === 400 || response.status === 413 ? 'invalid' : (body.code ?? 'internal')
  throw new ApiRequestError(
    readableError({ code, message: body.message ?? t('errors.uploadFailed'), details: body.details, text: body.text }),
  )
}
