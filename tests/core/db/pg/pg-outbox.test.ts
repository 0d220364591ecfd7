import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { claimDue, completeLease, enqueuePg, extendLease, getOutboxRowPg, rescheduleLease } from '../../../../electron/core/db/pg/outbox'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { lease, removeFromOutbox } from '../../../../electron/core/db/pg/repositories/outbox'
import type { OutboxKind } from '../../../../electron/core/db/repositories/outbox'
import { seededRandom } from '../../../../electron/shared/random'
import { usePgCluster } from '../../../helpers/pg-cluster'

const LEASE = 30_000

describe('outbox leases on PostgreSQL (several instances, one database)', () => {
  const cluster = usePgCluster()
  const pools: pg.Pool[] = []
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()))
  })

  /** A migrated database with one contact and conversation per lane; `pools` opened on it. */
  async function database(instances: number): Promise<pg.Pool[]> {
    const url = await cluster().createDatabase()
    const opened = Array.from({ length: instances }, () => createPgPool(url, { max: 4 }))
    pools.push(...opened)
    await migratePg(opened[0])
    return opened
  }

  async function message(db: pg.Pool, lane: string, seq: number, kind: OutboxKind, state: 'ready' | 'held', dueAt: number) {
    await db.query(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ($1, $1, 0, 0) ON CONFLICT DO NOTHING`, [lane])
    await db.query(
      `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ($1, $1, 'whatsapp', 0, 0) ON CONFLICT DO NOTHING`,
      [lane],
    )
    const id = `${lane}-${seq}`
    await db.query(
      `INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at) VALUES ($1, $2, 'out', $3, 'hi', 'queued', 0, 0)`,
      [id, lane, kind === 'sms' ? 'text' : kind],
    )
    await enqueuePg(db, { messageId: id, lane, seq, kind, state, dueAt })
    return id
  }

  it('two instances claiming at once over 360 messages for 12 WhatsApp users: each sent once, in order per user', async () => {
    const [a, b] = await database(2)
    const random = seededRandom(15)
    const lanes = Array.from({ length: 12 }, (_, i) => `user${i}`)
    let seq = 0
    for (let i = 0; i < 360; i++) {
      const lane = lanes[Math.floor(random() * lanes.length)]
      // Due times out of lane order too: a later message due earlier still waits for the earlier one.
      await message(a, lane, ++seq, 'text', 'ready', Math.floor(random() * 1000))
    }
    const now = 1000
    const sent: Array<{ id: string; lane: string; seq: number; by: string }> = []
    const claimedBy = new Map<string, string>()
    const instance = async (db: pg.Pool, name: string) => {
      for (;;) {
        const claimed = await claimDue(db, { now, leaseUntil: now + LEASE, limit: 5 })
        if (claimed.length === 0) {
          const left = await db.query<{ n: number }>('SELECT count(*) AS n FROM outbox')
          if (left.rows[0].n === 0) return
          await new Promise((resolve) => setImmediate(resolve))
          continue
        }
        await Promise.all(
          claimed.map(async ({ row, expiredLease }) => {
            expect(expiredLease).toBe(false)
            expect(claimedBy.has(row.message_id), `${row.message_id} claimed twice`).toBe(false)
            claimedBy.set(row.message_id, name)
            await db.query('SELECT pg_sleep(0)') // the send's round trip
            sent.push({ id: row.message_id, lane: row.lane, seq: row.seq, by: name })
            expect(await completeLease(db, row.message_id, row.lease_until!)).toBe(true)
          }),
        )
      }
    }
    await Promise.all([instance(a, 'a'), instance(b, 'b')])

    expect(sent).toHaveLength(360)
    expect(new Set(sent.map((s) => s.id)).size).toBe(360)
    for (const lane of lanes) {
      const order = sent.filter((s) => s.lane === lane).map((s) => s.seq)
      expect(order).toEqual([...order].sort((x, y) => x - y))
    }
    // Both instances did work (the claims interleaved rather than one instance taking all).
    expect(new Set(sent.map((s) => s.by))).toEqual(new Set(['a', 'b']))
  })

  it("a dead instance's lease expires and another instance reclaims it for reconciliation; the late one cannot touch it", async () => {
    const [a, b] = await database(2)
    const first = await message(a, 'ana', 1, 'text', 'ready', 0)
    const second = await message(a, 'ana', 2, 'text', 'ready', 0)

    const [claim] = await claimDue(a, { now: 100, leaseUntil: 100 + LEASE, limit: 10 })
    expect(claim).toMatchObject({ row: { message_id: first, state: 'leased', attempts: 1 }, expiredLease: false })
    // Instance a dies mid-send. Until its lease ends, nobody else sends for ana, not even her next message.
    expect(await claimDue(b, { now: 100 + LEASE - 1, leaseUntil: 200 + LEASE, limit: 10 })).toEqual([])

    const [reclaimed] = await claimDue(b, { now: 100 + LEASE, leaseUntil: 100 + 2 * LEASE, limit: 10 })
    expect(reclaimed).toMatchObject({ row: { message_id: first, attempts: 1, lease_until: 100 + 2 * LEASE }, expiredLease: true })
    // a comes back late: its lease is gone, so it changes nothing.
    expect(await completeLease(a, first, claim.row.lease_until!)).toBe(false)
    expect(await rescheduleLease(a, first, claim.row.lease_until!, 0)).toBe(false)
    expect(await getOutboxRowPg(a, first)).toMatchObject({ state: 'leased', lease_until: 100 + 2 * LEASE })

    // b reconciles (outcome unknown: keeps it longer), then completes; ana's next message goes.
    const kept = await extendLease(b, first, reclaimed.row.lease_until!, 100 + 3 * LEASE, 'timeout')
    expect(kept).toBe(100 + 3 * LEASE)
    expect(await completeLease(b, first, kept!)).toBe(true)
    expect((await claimDue(a, { now: 100 + LEASE, leaseUntil: 100 + 2 * LEASE, limit: 10 })).map((c) => c.row.message_id)).toEqual([second])
  })

  it('keeps the lane rules: an earlier message waiting (not due, or held) blocks later ones; a held template blocks nobody and a template passes a held message', async () => {
    const [db] = await database(1)
    const claimIds = async (now: number) =>
      (await claimDue(db, { now, leaseUntil: now + LEASE, limit: 10 })).map((c) => c.row.message_id).sort()

    const later = await message(db, 'ben', 1, 'text', 'ready', 500) // due later
    await message(db, 'ben', 2, 'text', 'ready', 0) // due now, but behind ben-1
    await message(db, 'chloe', 1, 'template', 'held', 0) // a held opt-in request
    const chloeText = await message(db, 'chloe', 2, 'text', 'ready', 0)
    await message(db, 'dan', 1, 'text', 'held', 0) // awaiting consent
    await message(db, 'dan', 2, 'text', 'ready', 0)
    const danTemplate = await message(db, 'dan', 3, 'template', 'ready', 0)

    expect(await claimIds(100)).toEqual([chloeText, danTemplate].sort())
    // ben's first is claimed when due, not before, and only then (his second waits for it).
    expect(await claimIds(499)).toEqual([])
    expect(await claimIds(500)).toEqual([later])
  })

  it("the engine's lease, from an old view of a lane: never a message twice, never past an earlier one that may still go", async () => {
    const [a, b] = await database(2)
    const first = await message(a, 'ben', 1, 'text', 'ready', 0)
    const second = await message(a, 'ben', 2, 'text', 'ready', 0)
    await message(a, 'chloe', 1, 'template', 'held', 0) // a held opt-in request blocks nobody
    const chloeText = await message(a, 'chloe', 2, 'text', 'ready', 0)
    await message(a, 'dan', 1, 'text', 'held', 0) // awaiting consent
    const danTemplate = await message(a, 'dan', 3, 'template', 'ready', 0)

    // Instance B still thinks ben's first is sent: its second may not go while the first may.
    expect(await lease(b, second, LEASE)).toBe(false)
    expect(await lease(a, first, LEASE)).toBe(true)
    expect(await lease(b, first, LEASE)).toBe(false)
    expect(await lease(b, second, LEASE)).toBe(false)
    await removeFromOutbox(a, first)
    expect(await lease(b, second, LEASE)).toBe(true)
    expect(await lease(b, chloeText, LEASE)).toBe(true)
    expect(await lease(a, danTemplate, LEASE)).toBe(true)
  })

  it('refuses a lease that ends before it starts', async () => {
    const [db] = await database(1)
    await expect(claimDue(db, { now: 10, leaseUntil: 10, limit: 1 })).rejects.toThrow(RangeError)
  })
})
