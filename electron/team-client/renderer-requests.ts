import type { Result } from '../shared/api/result'
import { fail, ok } from '../shared/api/result'
import type { Message } from '../shared/domain'
import { readLocally } from './offline-reads'
import type { TeamClient, TeamClientEvent } from './team-client'
import { outboxAction, queueFromWindow, withWaitingMessages, type OutboxClient } from './window-outbox'

type Client = Pick<
  TeamClient,
  | 'request'
  | 'uploadPicture'
  | 'state'
  | 'on'
  | 'conversations'
  | 'messages'
  | 'contacts'
  | 'lastSession'
  | 'rememberSession'
  | 'holdPicture'
> &
  OutboxClient

export interface ForwardOptions {
  /** How long a request waits for a connection being opened (app start, a retry) before answering. */
  connectWaitMs?: number
  /** Replaceable for tests that drive the wait themselves. */
  setTimer?: (run: () => void, ms: number) => () => void
}

export const SIGNED_IN_TO_TEAM =
  'This computer is signed in to your office’s Greenline server. To act as someone else, sign out under Settings → Team server.'

const defaultTimer = (run: () => void, ms: number) => {
  const timer = setTimeout(run, ms)
  return () => clearTimeout(timer)
}

/**
 * A renderer's contract request in team mode, sent to the team server over the team client's
 * socket. The server alone decides who is asking, from this device's token: nothing in the
 * payload can choose the user, and the demo `session:signIn` is refused here.
 *
 * A request made while the connection is being opened waits for it (up to `connectWaitMs`), so a
 * window that loads as the app starts is not told "not connected" a moment before it is. Offline,
 * the reads a window opens with are answered from the local store (offline-reads.ts), and a
 * message (text or picture) goes into the device's offline outbox and is answered as waiting for
 * the connection (window-outbox.ts); anything else answers `unavailable` at once, and the
 * renderer keeps what was typed.
 */
export async function forwardRendererRequest(
  client: Client,
  channel: string,
  payload: unknown,
  options: ForwardOptions = {},
): Promise<Result<unknown>> {
  if (channel === 'session:signIn') return fail('forbidden', SIGNED_IN_TO_TEAM)
  const fromOutbox = outboxAction(client, channel, payload)
  if (fromOutbox) return fromOutbox
  // A picture uploaded offline is still on this computer: its message can only go the outbox's way.
  const held = channel === 'messages:send' ? heldPicture(client, payload) : undefined
  if (held) return queueFromWindow(client, payload, held)
  if (client.state.status === 'connecting') await settled(client, options)
  const result = await send(client, channel, payload)
  if (result.ok) {
    if (channel === 'session:get') client.rememberSession(result.value)
    if (channel === 'messages:list') return withWaiting(client, payload, result)
    return result
  }
  // Only "not connected" falls back: an answer the server gave stands as it is.
  if (result.error.code !== 'unavailable' || client.state.status === 'online') return result
  if (channel === 'messages:send') return queueFromWindow(client, payload)
  if (channel === 'media:upload') return holdUpload(client, payload) ?? result
  const local = readLocally(client, channel, payload)
  return local && channel === 'messages:list' ? withWaiting(client, payload, local) : (local ?? result)
}

function heldPicture(client: Client, payload: unknown): Uint8Array | undefined {
  const mediaId = payload && typeof payload === 'object' ? (payload as { mediaId?: unknown }).mediaId : undefined
  return typeof mediaId === 'string' ? client.takeHeldPicture(mediaId) : undefined
}

/** Offline, a window's picture stays on this computer until its message is sent (then the outbox has it). */
function holdUpload(client: Client, payload: unknown): Result<unknown> | undefined {
  const bytes = payload && typeof payload === 'object' ? (payload as { bytes?: unknown }).bytes : undefined
  return bytes instanceof Uint8Array && bytes.byteLength > 0 ? ok(client.holdPicture(bytes)) : undefined
}

/** The newest page of a thread (no `before`) ends with what this user wrote offline and is unsent. */
function withWaiting(client: Client, payload: unknown, page: Result<unknown>): Result<unknown> {
  const input = (payload ?? {}) as { conversationId?: unknown; before?: unknown }
  if (!page.ok || input.before !== undefined || typeof input.conversationId !== 'string') return page
  return ok(withWaitingMessages(client, input.conversationId, page.value as Message[]))
}

/**
 * A picture's bytes from IPC go up as the raw body of `POST /media` (a photo as base64 in a socket
 * frame would pass the server's 4 MB frame limit); everything else over the socket as it is.
 */
function send(client: Client, channel: string, payload: unknown): Promise<Result<unknown>> {
  const bytes = channel === 'media:upload' && payload && typeof payload === 'object' ? (payload as { bytes?: unknown }).bytes : undefined
  if (bytes instanceof Uint8Array) return client.uploadPicture(bytes)
  return client.request(channel, payload)
}

/** Resolves once the connection is no longer being opened, or the wait is over. */
function settled(client: Client, options: ForwardOptions): Promise<void> {
  const setTimer = options.setTimer ?? defaultTimer
  return new Promise((resolve) => {
    let cancelTimer = () => {}
    const stop = client.on((event: TeamClientEvent) => {
      if (event.type === 'state' && event.state.status !== 'connecting') done()
    })
    const done = () => {
      stop()
      cancelTimer()
      resolve()
    }
    cancelTimer = setTimer(done, options.connectWaitMs ?? 10_000)
  })
}
