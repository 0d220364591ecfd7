import type { ApiError } from './result'
import type { EventChannel, EventPayloads, RequestChannel } from './contract'

/** WebSocket wire format of the browser host (documented in README). */
export interface WireRequest {
  id: number
  channel: RequestChannel | string
  payload: unknown
}

export type WireReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ApiError }

export interface WireEvent<E extends EventChannel = EventChannel> {
  event: E
  payload: EventPayloads[E]
}
