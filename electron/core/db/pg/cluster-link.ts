import pg from 'pg'
import type { Clock } from '../../../shared/clock'
import type { ClusterLink, ClusterSignal } from '../../cluster'
import { retryDelayMs } from '../../outbox/backoff'
import { createLogger } from '../../platform/logger'
import { describeDatabaseUrl, PgUnreachable, reasonOf, type PgQueryable } from './pool'

const log = createLogger('pg-cluster')

/** The NOTIFY channel every instance of one database listens on (its name is kept from the first version). */
export const FANOUT_CHANNEL = 'greenline_events'

/**
 * PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. A larger signal (a long message body)
 * goes into `event_fanout_bodies` and the notification carries its id; a bit of headroom is kept.
 */
export const MAX_NOTIFY_BYTES = 7900

/** The `application_name` of each instance's listening connection (pg_stat_activity shows who runs). */
const LISTENER_NAME = 'greenline-events'

/** Bodies are read by every listening instance within moments; older ones are deleted. */
export const BODY_TTL_MS = 10 * 60_000

/**
 * The listening connection was down from `lostAt` to `restoredAt`: signals sent meanwhile by
 * other instances did not arrive here. Subscribers catch up from their change cursor
 * (pg/change-log.ts), as a client does after its own reconnect.
 */
export interface ClusterGap {
  lostAt: number
  restoredAt: number
  reason: string
}

/** One signal on the wire, with the instance that sent it. */
interface Wire {
  origin: string
  signal: ClusterSignal
}

export interface PgClusterLinkOptions {
  /** `GREENLINE_DATABASE_URL`: the listener has a connection of its own, outside the pool. */
  url: string
  /** Sends (NOTIFY) and reads large bodies. */
  pool: PgQueryable
  clock: Clock
  /** Unique per running instance, so it does not hear its own signals. */
  instanceId: string
  /** Reconnect delays: the first retry within `baseMs`, doubling up to `maxMs`. Defaults 250 ms, 10 s. */
  backoff?: { baseMs?: number; maxMs?: number }
  /** A listener query every this many ms, so a silently dead connection is noticed. Default 30 s. */
  heartbeatMs?: number
  random?: () => number
}

/**
 * The cluster link on PostgreSQL (see cluster.ts): `signal` sends to the other instances with
 * NOTIFY (delivered when the statement commits, in commit order); each instance LISTENs on one
 * dedicated connection and hands what others sent to its listeners, in arrival order.
 *
 * When that connection drops (the database restarted, a failover, the backend was terminated),
 * notifications sent meanwhile are gone for good: the link reconnects with backoff and, once
 * listening again, reports the gap to `onGap` listeners so they re-read what they may have missed.
 */
export class PgClusterLink implements ClusterLink {
  private client: pg.Client | undefined
  private running = false
  private lostAt: number | undefined
  private lostReason = ''
  private attempt = 0
  private cancelTimer: (() => void) | undefined
  // Bodies are fetched asynchronously; the chain keeps deliveries in notification order.
  private delivery: Promise<void> = Promise.resolve()
  // Signals go out one after another, so the others hear them in the order they were given.
  private sending: Promise<void> = Promise.resolve()
  private readonly gapListeners = new Set<(gap: ClusterGap) => void>()
  private readonly signalListeners = new Set<(signal: ClusterSignal) => void>()
  private readonly connectionListeners = new Set<(listening: boolean) => void>()

  constructor(private readonly options: PgClusterLinkOptions) {}

  /** Listens; throws (with the reason) when the database cannot be reached at start. */
  async start(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      await this.listen()
    } catch (error) {
      this.running = false
      // A known failure (the server stops with this reason, no stack trace), like the pool's own.
      throw new PgUnreachable(`${describeDatabaseUrl(this.options.url)} to listen to the other Greenline instances`, reasonOf(error), {
        cause: error,
      })
    }
  }

  async stop(): Promise<void> {
    this.running = false
    this.cancelTimer?.()
    this.cancelTimer = undefined
    const client = this.client
    this.client = undefined
    await client?.end().catch(() => undefined)
    await Promise.all([this.delivery, this.sending])
  }

  /** True while the listening connection is up. */
  get listening(): boolean {
    return this.client !== undefined
  }

  /** Called after each reconnect with the time signals may have been missed. */
  onGap(listener: (gap: ClusterGap) => void): () => void {
    this.gapListeners.add(listener)
    return () => this.gapListeners.delete(listener)
  }

  /** Called when the listening connection goes down (false) or is back (true). */
  onConnectionChange(listener: (listening: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  onSignal(listener: (signal: ClusterSignal) => void): () => void {
    this.signalListeners.add(listener)
    return () => this.signalListeners.delete(listener)
  }

  /**
   * To every other instance. Fire and forget (cluster.ts): a signal that cannot be sent is logged;
   * the others re-read everything on their next rescan. `sent` resolves when it was handed over.
   */
  signal(signal: ClusterSignal): void {
    this.sending = this.sending
      .then(() => this.notify({ origin: this.options.instanceId, signal }))
      .catch((error: unknown) => log.warn('could not tell the other instances', { kind: signal.kind, reason: reasonOf(error) }))
  }

  /** Other instances' listening connections to this database (this one's not counted). */
  async othersRunning(): Promise<number> {
    const { rows } = await this.options.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      [LISTENER_NAME],
    )
    return Math.max(0, rows[0].n - (this.client ? 1 : 0))
  }

  /** Resolves once every signal given so far was sent (or failed). */
  sent(): Promise<void> {
    return this.sending
  }

  private async notify(wire: Wire): Promise<void> {
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
    const client = new pg.Client({ connectionString: this.options.url, application_name: LISTENER_NAME, keepAlive: true })
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
      log.info('listening to the other instances again', { downMs: gap.restoredAt - gap.lostAt })
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
    log.warn('lost the connection listening to the other instances', { reason })
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
        log.warn('could not listen to the other instances yet', { reason: this.lostReason, attempt: this.attempt })
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
        for (const listener of this.signalListeners) listener(wire.signal)
      } catch (error) {
        // A signal this instance cannot read is a gap too: its listeners re-read.
        const reason = `a signal from another instance could not be read: ${reasonOf(error)}`
        log.warn(reason)
        const now = this.options.clock.now()
        for (const listener of this.gapListeners) listener({ lostAt: now, restoredAt: now, reason })
      }
    })
  }

  /** The signal of a notification, reading a large body from its table; undefined when it is our own. */
  private async resolve(text: string): Promise<Wire | undefined> {
    const parsed = JSON.parse(text) as Wire | { origin: string; ref: number }
    if (!('ref' in parsed)) return parsed
    if (parsed.origin === this.options.instanceId) return undefined
    const row = await this.options.pool.query<{ body: string }>('SELECT body FROM event_fanout_bodies WHERE id = $1', [parsed.ref])
    if (!row.rows[0]) throw new Error(`signal body ${parsed.ref} is gone (older than ${BODY_TTL_MS} ms)`)
    return JSON.parse(row.rows[0].body) as Wire
  }
}
