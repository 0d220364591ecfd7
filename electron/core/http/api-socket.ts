import type { WebSocket } from 'ws'
import type { WireReply, WireRequest } from '../../shared/api/wire'
import { fail, type Result } from '../../shared/api/result'
import type { Engine } from '../engine'
import { createLogger } from '../platform/logger'
import type { ApiSocketLimits } from './in-flight'

const log = createLogger('api-socket')

export interface ApiSocketOptions {
  engine: Pick<Engine, 'dispatch' | 'subscribe' | 'session'>
  /** Who the connection acts as from the start: the authenticated user, or the one named at connect. */
  userId?: string
  /**
   * Whether `session:signIn` may choose any org user: the single-user browser host and demo mode.
   * The team server says no: identity comes only from the authenticated session.
   */
  allowSignIn: boolean
  /** Channels the host answers itself before the engine sees them (the team server's users and tokens). */
  hostChannels?: Readonly<Record<string, (payload: unknown, userId: string | undefined) => Result<unknown> | Promise<Result<unknown>>>>
  /** In-flight budgets (the frame size is the WebSocket server's `maxPayload`). None: unlimited. */
  limits?: Pick<ApiSocketLimits, 'perConnection' | 'global'>
  /**
   * The connection's TCP socket: corked while a turn of the event loop pushes events, so a burst
   * (a webhook batch's threads and messages) leaves in one write instead of one per event.
   */
  transport?: { cork(): void; uncork(): void }
}

/**
 * Event frames by payload: a message's view is one object for every participant it goes to, so it
 * is serialized once, not once per socket (weak: a frame lives as long as its payload).
 */
const frames = new WeakMap<object, { event: string; frame: string }>()

function eventFrame(event: string, payload: unknown): string {
  if (typeof payload !== 'object' || payload === null) return JSON.stringify({ event, payload })
  const known = frames.get(payload)
  if (known?.event === event) return known.frame
  const frame = JSON.stringify({ event, payload })
  frames.set(payload, { event, frame })
  return frame
}

const BUSY = 'Greenline is busy with too many requests at once; nothing was done. Try again in a moment.'

/**
 * One API connection over WebSocket, the same for the browser host and the team server: JSON
 * requests `{ id, channel, payload }` answered by the engine's dispatcher, and the user's events
 * pushed as `{ event, payload }`.
 */
export function serveApiSocket(ws: WebSocket, options: ApiSocketOptions): void {
  const { engine } = options
  let userId: string | undefined
  let unsubscribe: (() => void) | undefined
  let corked = false
  const push = (frame: string) => {
    const transport = options.transport
    if (transport && !corked) {
      corked = true
      transport.cork()
      // After the turn's microtasks too: a flush awaits its reads between events.
      setImmediate(() => {
        corked = false
        transport.uncork()
      })
    }
    ws.send(frame)
  }
  const actAs = (id: string) => {
    unsubscribe?.()
    userId = id
    unsubscribe = engine.subscribe(id, (event, payload) => {
      if (ws.readyState === ws.OPEN) push(eventFrame(event, payload))
    })
  }

  let inFlight = 0
  const answer = async (request: WireRequest): Promise<Result<unknown>> => {
    const limits = options.limits
    if (!limits) return route(request)
    // Refused at once with a clear answer, never queued: the caller can back off and retry.
    if (inFlight >= limits.perConnection) return fail('unavailable', BUSY, { busy: 'connection', limit: limits.perConnection })
    if (!limits.global.tryTake()) return fail('unavailable', BUSY, { busy: 'server' })
    inFlight++
    try {
      return await route(request)
    } finally {
      inFlight--
      limits.global.release()
    }
  }

  const route = async (request: WireRequest): Promise<Result<unknown>> => {
    const hostChannel = options.hostChannels?.[request.channel]
    if (hostChannel) return hostChannel(request.payload, userId)
    if (request.channel === 'session:signIn' && !options.allowSignIn) {
      return fail('forbidden', 'Sign in through the sign-in page; this server does not let a connection choose who it is')
    }
    return engine.dispatch({ userId }, request.channel, request.payload)
  }

  // A sign-in in flight holds back the requests that follow it on this connection: a client may
  // send its first page right behind `session:signIn` (one round trip, not two), and that page
  // must be answered as the user signed in, not refused as nobody.
  let signingIn: Promise<unknown> | undefined
  // The user the connection starts as is checked first; requests sent meanwhile wait for it.
  const startAs = options.userId
  if (startAs) {
    signingIn = engine.session(startAs).then(
      () => actAs(startAs),
      () => ws.close(4003, 'Unknown user'),
    )
  }
  ws.on('message', (data) => {
    void (async () => {
      let request: WireRequest
      try {
        request = JSON.parse(
          Buffer.concat(Array.isArray(data) ? data : [Buffer.isBuffer(data) ? data : Buffer.from(data)]).toString('utf8'),
        ) as WireRequest
        if (typeof request !== 'object' || request === null || typeof request.id !== 'number' || typeof request.channel !== 'string')
          throw new Error('shape')
      } catch {
        ws.send(
          JSON.stringify({
            id: null,
            ok: false,
            error: { code: 'invalid', message: 'Malformed request: expected {"id":n,"channel":"…","payload":{…}}' },
          }),
        )
        return
      }
      let result: Result<unknown>
      if (request.channel === 'session:signIn') {
        const answering = (signingIn ?? Promise.resolve()).then(async () => {
          const signedIn = await answer(request)
          if (signedIn.ok && ws.readyState === ws.OPEN) actAs((signedIn.value as { user: { id: string } }).user.id)
          return signedIn
        })
        const held = (signingIn = answering.then(
          () => undefined,
          () => undefined,
        ))
        result = await answering
        if (signingIn === held) signingIn = undefined
      } else {
        if (signingIn) await signingIn
        result = await answer(request)
      }
      if (ws.readyState !== ws.OPEN) return
      const reply: WireReply = result.ok
        ? { id: request.id, ok: true, value: result.value }
        : { id: request.id, ok: false, error: result.error }
      ws.send(JSON.stringify(reply))
    })()
  })
  ws.on('close', () => unsubscribe?.())
  // A malformed or oversized frame ends this connection only.
  ws.on('error', (error) => log.warn('socket error', { error: error.name }))
}
