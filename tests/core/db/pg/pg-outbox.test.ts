import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { enqueue, getOutboxRow, lease, releaseExpiredLease, removeFromOutbox } from '../../../../electron/core/db/pg/repositories/outbox'
import type { OutboxKind } from '../../../../electron/core/db/repositories/outbox'
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
    await enqueue(db, { messageId: id, lane, seq, kind, state, dueAt })
    return id
  }

  it("a dead instance's expired lease goes back to ready once: not after another instance renewed it", async () => {
    const [a, b] = await database(2)
    const first = await message(a, 'ana', 1, 'text', 'ready', 0)
    expect(await lease(a, first, 100 + LEASE)).toBe(true)
    // Instance a dies mid-send. Before its lease ends, nobody takes it back.
    expect(await releaseExpiredLease(b, first, 100 + LEASE - 1)).toBe(false)
    expect(await releaseExpiredLease(b, first, 100 + LEASE)).toBe(true)
    expect(await lease(b, first, 200 + 2 * LEASE)).toBe(true)
    // a's recovery pass read the expired row before b re-leased it: it changes nothing now.
    expect(await releaseExpiredLease(a, first, 100 + LEASE)).toBe(false)
    expect(await getOutboxRow(a, first)).toMatchObject({ state: 'leased', lease_until: 200 + 2 * LEASE, attempts: 2 })
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
})
