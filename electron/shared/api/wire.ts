import type { ApiError } from './result'
import type { EventChannel, EventPayloads } from './contract'

/** WebSocket wire format of the browser host (documented in README). */
export interface WireRequest {
  id: number
  /** A request channel of the contract, or any other name (answered with an `invalid` error). */
  channel: string
  payload: unknown
}

export type WireReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ApiError }

export interface WireEvent<E extends EventChannel = EventChannel> {
  event: E
  payload: EventPayloads[E]
}
