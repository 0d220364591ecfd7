import pg from 'pg'
import type { Clock } from '../../../shared/clock'
import type { EventChannel, EventPayloads } from '../../../shared/api/contract'
import type { EventHub } from '../../events'
import { retryDelayMs } from '../../outbox/backoff'
import { createLogger } from '../../platform/logger'
import { reasonOf, type PgQueryable } from './pool'

const log = createLogger('pg-fanout')

/** The NOTIFY channel every instance of one database listens on. */
export const FANOUT_CHANNEL = 'greenline_events'

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. A larger event (a long message body)
 * goes into `event_fanout_bodies` and the notification carries its id; a bit of headroom is kept.
 */
export const MAX_NOTIFY_BYTES = 7900

/** Bodies are read by every listening instance within moments; older ones are deleted. */
export const BODY_TTL_MS = 10 * 60_000

/**
 * The listening connection was down from `lostAt` to `restoredAt`: events published meanwhile by
 * other instances did not arrive here. Subscribers catch up from their change cursor
 * (pg/change-log.ts), as a client does after its own reconnect.
 */
export interface FanoutGap {
  lostAt: number
  restoredAt: number
  reason: string
}

/** One event on the wire: who published it, to whom (`null`: every signed-in user), what. */
interface WireEvent {
  origin: string
  userIds: string[] | null
  event: EventChannel
  payload: unknown
}

export interface PgEventFanoutOptions {
  /** `GREENLINE_DATABASE_URL`: the listener has a connection of its own, outside the pool. */
  url: string
  /** Publishes (NOTIFY) and reads large bodies. */
  pool: PgQueryable
  /** This instance's subscribers. */
  hub: EventHub
  clock: Clock
  /** Unique per running instance, so it does not deliver its own events twice. */
  instanceId: string
  /** Reconnect delays: the first retry within `baseMs`, doubling up to `maxMs`. Defaults 250 ms, 10 s. */
  backoff?: { baseMs?: number; maxMs?: number }
  /** A listener query every this many ms, so a silently dead connection is noticed. Default 30 s. */
  heartbeatMs?: number
  random?: () => number
}

/**
 * Engine events across server instances: `publish` delivers to this instance's subscribers at
 * once and sends the event to the others with NOTIFY (delivered when the publishing statement
 * commits, in commit order); each instance LISTENs on one dedicated connection and hands what
 * others published to its EventHub, in arrival order.
 *
 * When that connection drops (the database restarted, a failover, the backend was terminated),
 * notifications sent meanwhile are gone for good: the fan-out reconnects with backoff and, once
 * listening again, reports the gap to `onGap` listeners so they catch up from the change log.
 *
 * Not wired into the engine yet (README "Scaling out (PostgreSQL) — in progress").
 */
export class PgEventFanout {
  private client: pg.Client | undefined
  private running = false
  private lostAt: number | undefined
  private lostReason = ''
  private attempt = 0
  private cancelTimer: (() => void) | undefined
  // Bodies are fetched asynchronously; the chain keeps deliveries in notification order.
  private delivery: Promise<void> = Promise.resolve()
  private readonly gapListeners = new Set<(gap: FanoutGap) => void>()
  private readonly connectionListeners = new Set<(listening: boolean) => void>()

  constructor(private readonly options: PgEventFanoutOptions) {}

  /** Listens; throws (with the reason) when the database cannot be reached at start. */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      await this.listen()
    } catch (error) {
      this.running = false
      throw new Error(`Cannot listen for events of other instances: ${reasonOf(error)}`, { cause: error })
    }
  }

  async stop(): Promise<void> {
    this.running = false
    this.cancelTimer?.()
    this.cancelTimer = undefined
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
    await this.delivery
  }

  /** True while the listening connection is up. */
  get listening(): boolean {
    return this.client !== undefined
  }

  /** Called after each reconnect with the time events may have been missed. */
  onGap(listener: (gap: FanoutGap) => void): () => void {
    this.gapListeners.add(listener)
    return () => this.gapListeners.delete(listener)
  }

  /** Called when the listening connection goes down (false) or is back (true). */
  onConnectionChange(listener: (listening: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  /** To `userIds` on every instance: here at once, elsewhere through NOTIFY. */
  async publish<E extends EventChannel>(userIds: Iterable<string>, event: E, payload: EventPayloads[E]): Promise<void> {
    const users = [...userIds]
    this.options.hub.publish(users, event, payload)
    await this.notify({ origin: this.options.instanceId, userIds: users, event, payload })
  }

  /** To every signed-in user on every instance. */
  async publishToAll<E extends EventChannel>(event: E, payload: EventPayloads[E]): Promise<void> {
    this.options.hub.publishToAll(event, payload)
    await this.notify({ origin: this.options.instanceId, userIds: null, event, payload })
  }

  private async notify(wire: WireEvent): Promise<void> {
    const text = JSON.stringify(wire)
    if (Buffer.byteLength(text) <= MAX_NOTIFY_BYTES) {
      await this.options.pool.query('SELECT pg_notify($1, $2)', [FANOUT_CHANNEL, text])
      return
    }
    // One statement, so the body is committed before any instance hears its id; old bodies go.
    const now = this.options.clock.now()
    await this.options.pool.query(
      `WITH old AS (DELETE FROM event_fanout_bodies WHERE created_at < $4),
            body AS (INSERT INTO event_fanout_bodies (body, created_at) VALUES ($2, $3) RETURNING id)
       SELECT pg_notify($1, json_build_object('origin', $5::text, 'ref', body.id)::text) FROM body`,
      [FANOUT_CHANNEL, text, now, now - BODY_TTL_MS, wire.origin],
    )
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, application_name: 'greenline-events', keepAlive: true })
    // Registered before connecting: an error event without a listener would crash the process.
    client.on('error', (error) => this.lost(client, reasonOf(error)))
    client.on('end', () => this.lost(client, 'the connection closed'))
    client.on('notification', (message) => {
      if (message.channel === FANOUT_CHANNEL && message.payload) this.received(message.payload)
    })
    try {
      await client.connect()
      await client.query(`LISTEN ${FANOUT_CHANNEL}`)
    } catch (error) {
      client.removeAllListeners('end')
      await client.end().catch(() => undefined)
      throw error
    }
    if (!this.running) {
      await client.end().catch(() => undefined)
      return
    }
    this.client = client
    this.attempt = 0
    this.scheduleHeartbeat(client)
    for (const listener of this.connectionListeners) listener(true)
    if (this.lostAt !== undefined) {
      const gap = { lostAt: this.lostAt, restoredAt: this.options.clock.now(), reason: this.lostReason }
      this.lostAt = undefined
      log.info('listening for events again', { downMs: gap.restoredAt - gap.lostAt })
      for (const listener of this.gapListeners) listener(gap)
    }
  }

  /** The listening connection `client` failed: forget it and try again after a backoff. */
  private lost(client: pg.Client, reason: string): void {
    if (this.client !== client) return
    this.client = undefined
    this.cancelTimer?.()
    client.end().catch(() => undefined)
    this.lostAt = this.options.clock.now()
    this.lostReason = reason
    log.warn('lost the connection listening for events', { reason })
    for (const listener of this.connectionListeners) listener(false)
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (!this.running) return
    this.attempt += 1
    const delay = retryDelayMs(this.attempt, {
      baseMs: this.options.backoff?.baseMs ?? 250,
      maxMs: this.options.backoff?.maxMs ?? 10_000,
      random: this.options.random ?? Math.random,
    })
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined
      this.listen().catch((error: unknown) => {
        this.lostReason = reasonOf(error)
        log.warn('could not listen for events yet', { reason: this.lostReason, attempt: this.attempt })
        this.scheduleReconnect()
      })
    }, delay)
  }

  private scheduleHeartbeat(client: pg.Client): void {
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined
      client.query('SELECT 1').then(
        () => {
          if (this.client === client) this.scheduleHeartbeat(client)
        },
        (error: unknown) => this.lost(client, reasonOf(error)),
      )
    }, this.options.heartbeatMs ?? 30_000)
  }

  private received(text: string): void {
    this.delivery = this.delivery.then(async () => {
      try {
        const wire = await this.resolve(text)
        if (!wire || wire.origin === this.options.instanceId) return
        const payload = wire.payload as EventPayloads[EventChannel]
        if (wire.userIds) this.options.hub.publish(wire.userIds, wire.event, payload)
        else this.options.hub.publishToAll(wire.event, payload)
      } catch (error) {
        // An event this instance cannot deliver is a gap too: subscribers catch up.
        const reason = `an event from another instance could not be delivered: ${reasonOf(error)}`
        log.warn(reason)
        const now = this.options.clock.now()
        for (const listener of this.gapListeners) listener({ lostAt: now, restoredAt: now, reason })
      }
    })
  }

  /** The event of a notification, reading a large body from its table; undefined when it is our own. */
  private async resolve(text: string): Promise<WireEvent | undefined> {
    const parsed = JSON.parse(text) as WireEvent | { origin: string; ref: number }
    if (!('ref' in parsed)) return parsed
    if (parsed.origin === this.options.instanceId) return undefined
    const row = await this.options.pool.query<{ body: string }>('SELECT body FROM event_fanout_bodies WHERE id = $1', [parsed.ref])
    if (!row.rows[0]) throw new Error(`event body ${parsed.ref} is gone (older than ${BODY_TTL_MS} ms)`)
    return JSON.parse(row.rows[0].body) as WireEvent
  }
}
