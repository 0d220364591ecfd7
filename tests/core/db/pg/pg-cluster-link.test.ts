import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { ClusterEventHub } from '../../../../electron/core/cluster'
import type { EventHub } from '../../../../electron/core/events'
import { PgClusterLink, type ClusterGap } from '../../../../electron/core/db/pg/cluster-link'
import type { EventChannel, EventPayloads } from '../../../../electron/shared/api/contract'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { createPgPool, PgUnreachable } from '../../../../electron/core/db/pg/pool'
import { ManualClock, OffsetClock, type Clock } from '../../../../electron/shared/clock'
import type { Contact } from '../../../../electron/shared/domain'
import { usePgCluster } from '../../../helpers/pg-cluster'

/** The events one signed-in user receives on one instance. */
function subscriber(hub: EventHub, userId: string) {
  const received: { event: string; payload: unknown }[] = []
  const waiters: (() => void)[] = []
  hub.subscribe(userId, (event, payload) => {
    received.push({ event, payload })
    waiters.splice(0).forEach((wake) => wake())
  })
  return {
    received,
    /** Resolves once `count` events have arrived. */
    until: async (count: number) => {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
    },
  }
}

const contact = (id: string, name: string) => ({ id, name }) as unknown as Contact

describe('the cluster link: events across instances (LISTEN/NOTIFY)', () => {
  const cluster = usePgCluster()
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  async function database(): Promise<string> {
    const url = await cluster().createDatabase()
    const pool = createPgPool(url, { max: 2 })
    await migratePg(pool)
    await pool.end()
    return url
  }

  /** One server instance: its pool, its subscribers' hub over the cluster link. */
  async function instance(url: string, name: string, clock: Clock = new OffsetClock()) {
    const pool = createPgPool(url, { max: 3 })
    const link = new PgClusterLink({ url, pool, clock, instanceId: name, backoff: { baseMs: 100, maxMs: 1000 }, random: () => 0.5 })
    const hub = new ClusterEventHub(link)
    cleanup.push(() => pool.end())
    cleanup.push(() => link.stop())
    return {
      pool,
      hub,
      link,
      /** Publishes, and resolves once the other instances were told. */
      async publish<E extends EventChannel>(userIds: string[], event: E, payload: EventPayloads[E]) {
        hub.publish(userIds, event, payload)
        await link.sent()
      },
      async publishToAll<E extends EventChannel>(event: E, payload: EventPayloads[E]) {
        hub.publishToAll(event, payload)
        await link.sent()
      },
    }
  }

  it('cannot start against a database that is not there: a known error naming it, with the reason', async () => {
    const url = 'postgres://greenline@127.0.0.1:9/nowhere'
    const pool = createPgPool(url, { max: 1 })
    cleanup.push(() => pool.end())
    const link = new PgClusterLink({ url, pool, clock: new OffsetClock(), instanceId: 'x' })
    const failure = await link.start().then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(PgUnreachable)
    expect((failure as Error).message).toMatch(
      /^Cannot reach the PostgreSQL database .*nowhere.* to listen to the other Greenline instances: /,
    )
    expect(link.listening).toBe(false)
  })

  it("a user on instance B sees instance A's event within a second, and A's own user sees it once", async () => {
    const url = await database()
    const a = await instance(url, 'a')
    const b = await instance(url, 'b')
    await a.link.start()
    await b.link.start()
    const onB = subscriber(b.hub, 'agent-1')
    const onA = subscriber(a.hub, 'agent-1')
    const elsewhere = subscriber(b.hub, 'agent-2')

    const sentAt = Date.now()
    await a.publish(['agent-1'], 'contacts:changed', contact('c1', 'Ada'))
    await onB.until(1)
    expect(Date.now() - sentAt).toBeLessThan(1000)
    expect(onB.received).toEqual([{ event: 'contacts:changed', payload: { id: 'c1', name: 'Ada' } }])

    await b.publishToAll('contacts:removed', { id: 'c2' })
    await onA.until(2)
    expect(onA.received.map((r) => r.event)).toEqual(['contacts:changed', 'contacts:removed'])
    await elsewhere.until(1)
    expect(elsewhere.received).toEqual([{ event: 'contacts:removed', payload: { id: 'c2' } }])
    // A's own events reached A's subscriber once (locally), not again through NOTIFY.
    await b.publish(['agent-1'], 'contacts:removed', { id: 'marker' })
    await onA.until(3)
    expect(onA.received.filter((r) => r.event === 'contacts:changed')).toHaveLength(1)
  })

  it('carries an event larger than a NOTIFY payload, in order with the small ones', async () => {
    const url = await database()
    const a = await instance(url, 'a')
    const b = await instance(url, 'b')
    await b.link.start()
    const onB = subscriber(b.hub, 'agent-1')
    const long = 'é'.repeat(20_000) // 40,000 bytes
    await a.publish(['agent-1'], 'contacts:changed', contact('c1', long))
    await a.publish(['agent-1'], 'contacts:removed', { id: 'c1' })
    await onB.until(2)
    expect(onB.received).toEqual([
      { event: 'contacts:changed', payload: { id: 'c1', name: long } },
      { event: 'contacts:removed', payload: { id: 'c1' } },
    ])
  })

  it('reports a gap when a large event body is gone before it is read', async () => {
    const url = await database()
    const a = await instance(url, 'a')
    const b = await instance(url, 'b')
    await b.link.start()
    const gap = new Promise<ClusterGap>((resolve) => b.link.onGap(resolve))
    // A body deleted between NOTIFY and the read (pruned): nothing to deliver, so catch up.
    await a.pool.query(
      `CREATE FUNCTION drop_body() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM event_fanout_bodies; RETURN NULL; END $$`,
    )
    await a.pool.query(`CREATE TRIGGER drop_body AFTER INSERT ON event_fanout_bodies FOR EACH STATEMENT EXECUTE FUNCTION drop_body()`)
    await a.publish(['agent-1'], 'contacts:changed', contact('c1', 'x'.repeat(9000)))
    expect((await gap).reason).toMatch(/could not be read: signal body \d+ is gone/)
  })

  it('reconnects after its listening backend is killed, and reports the gap so subscribers catch up', async () => {
    const url = await database()
    const a = await instance(url, 'a')
    const clock = new ManualClock()
    const b = await instance(url, 'b', clock)
    await b.link.start()
    const onB = subscriber(b.hub, 'agent-1')
    const gaps: ClusterGap[] = []
    b.link.onGap((gap) => gaps.push(gap))
    const changes: boolean[] = []
    const down = new Promise<void>((resolve) =>
      b.link.onConnectionChange((up) => {
        changes.push(up)
        if (!up) resolve()
      }),
    )
    const lostAt = clock.now()

    const killed = await a.pool.query<{ killed: boolean }>(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = 'greenline-events'`,
    )
    expect(killed.rows).toEqual([{ killed: true }])
    await down
    expect(b.link.listening).toBe(false)
    // Published while B is deaf: lost for NOTIFY, which is what the gap is for.
    await a.publish(['agent-1'], 'contacts:removed', { id: 'missed' })

    const back = new Promise<void>((resolve) => b.link.onGap(() => resolve()))
    clock.advance(1000)
    await back
    expect(b.link.listening).toBe(true)
    expect(changes).toEqual([false, true])
    expect(gaps).toEqual([{ lostAt, restoredAt: lostAt + 1000, reason: expect.stringMatching(/terminat/i) }])

    await a.publish(['agent-1'], 'contacts:removed', { id: 'after' })
    await onB.until(1)
    expect(onB.received).toEqual([{ event: 'contacts:removed', payload: { id: 'after' } }])
  })

  it('keeps trying while the database refuses connections, then reports one gap', async () => {
    const url = await database()
    const admin = new pg.Client({ connectionString: cluster().url })
    await admin.connect()
    cleanup.push(() => admin.end())
    const clock = new TimerWatchingClock()
    const b = await instance(url, 'b', clock)
    await b.link.start()
    const name = new URL(url).pathname.slice(1)
    const down = new Promise<void>((resolve) => b.link.onConnectionChange((up) => !up && resolve()))
    const gaps: ClusterGap[] = []
    b.link.onGap((gap) => gaps.push(gap))
    // The database stops accepting connections, and the listener is cut off.
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`)
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'greenline-events'`)
    await down

    // Each retry is refused, and another is scheduled.
    for (let i = 0; i < 3; i++) {
      const rescheduled = clock.nextTimer()
      clock.advance(1000)
      await rescheduled
      expect(b.link.listening).toBe(false)
    }
    expect(gaps).toEqual([])

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`)
    const back = new Promise<void>((resolve) => b.link.onGap(() => resolve()))
    clock.advance(1000)
    await back
    expect(b.link.listening).toBe(true)
    expect(gaps).toHaveLength(1)
    expect(gaps[0].restoredAt - gaps[0].lostAt).toBe(4000)
    expect(gaps[0].reason).toMatch(/not currently accepting connections/)
  })
})

/** A manual clock that says when someone sets a timer (a retry was scheduled). */
class TimerWatchingClock extends ManualClock {
  private waiting: (() => void)[] = []
  nextTimer(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }
  override setTimer(callback: () => void, delayMs: number): () => void {
    const cancel = super.setTimer(callback, delayMs)
    this.waiting.splice(0).forEach((wake) => wake())
    return cancel
  }
}
