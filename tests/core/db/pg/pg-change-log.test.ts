import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { changesSincePg, latestChangeSeqPg, pruneChangesThroughPg } from '../../../../electron/core/db/pg/change-log'
import { migratePg } from '../../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../../electron/core/db/pg/pool'
import { usePgCluster } from '../../../helpers/pg-cluster'

describe('the change cursor on PostgreSQL (concurrent commits)', () => {
  const cluster = usePgCluster()
  const opened: { end(): Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.end()))
  })

  async function database(): Promise<{ pool: pg.Pool; url: string }> {
    const url = await cluster().createDatabase()
    const pool = createPgPool(url, { max: 4 })
    opened.push(pool)
    await migratePg(pool)
    return { pool, url }
  }

  /** A transaction on its own connection, like another instance's request in flight. */
  async function transaction(url: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url })
    opened.push(client)
    await client.connect()
    await client.query('BEGIN')
    return client
  }

  const change = (db: Pick<pg.Client, 'query'>, entity: string) =>
    db.query(`INSERT INTO change_log (kind, entity_id) VALUES ('message', $1)`, [entity])

  /** What a client polling with its cursor has seen so far. */
  function reader(pool: pg.Pool) {
    let cursor = 0
    const seen: string[] = []
    return {
      seen,
      poll: async () => {
        for (const row of await changesSincePg(pool, cursor, 100)) {
          seen.push(row.entity_id)
          cursor = row.seq
        }
      },
    }
  }

  it('never moves past a change that commits after a later one', async () => {
    const { pool, url } = await database()
    const t1 = await transaction(url)
    const t2 = await transaction(url)
    await change(t1, 'first') // seq 1
    await change(t2, 'second') // seq 2
    await t2.query('COMMIT')

    const client = reader(pool)
    await client.poll()
    // A seq-based cursor would now stand at 2 and never see "first".
    expect(client.seen).toEqual([])

    await t1.query('COMMIT')
    await client.poll()
    expect(client.seen).toEqual(['first', 'second'])
  })

  it('shows a change of an older transaction that wrote later, then the younger one when it commits', async () => {
    const { pool, url } = await database()
    const older = await transaction(url)
    await older.query('SELECT pg_current_xact_id()') // takes its transaction id first
    const younger = await transaction(url)
    await change(younger, 'younger') // seq 1
    await change(older, 'older') // seq 2
    await older.query('COMMIT')

    const client = reader(pool)
    await client.poll()
    expect(client.seen).toEqual(['older'])
    await younger.query('COMMIT')
    await client.poll()
    expect(client.seen).toEqual(['older', 'younger'])
  })

  it('loses nothing when many writers commit in random order while a reader polls', async () => {
    const { pool, url } = await database()
    const client = reader(pool)
    const writers = await Promise.all(Array.from({ length: 8 }, () => transaction(url)))
    const written: string[] = []
    for (let round = 0; round < 5; round++) {
      for (const [i, writer] of writers.entries()) {
        await change(writer, `w${i}-r${round}`)
        written.push(`w${i}-r${round}`)
      }
      // Commit in reverse order, polling between commits.
      for (const writer of [...writers].reverse()) {
        await writer.query('COMMIT')
        await client.poll()
        await writer.query('BEGIN')
      }
    }
    await Promise.all(writers.map((w) => w.query('COMMIT')))
    await client.poll()
    expect([...client.seen].sort()).toEqual([...written].sort())
    expect(new Set(client.seen).size).toBe(written.length)
  })

  it('two instances reading while writers commit give each change one number, in order, none skipped', async () => {
    const { pool, url } = await database()
    const other = createPgPool(url, { max: 4 })
    opened.push(other)
    const readers = [reader(pool), reader(other)]
    const written: string[] = []
    const writes = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; i < 20; i++) {
        await change(w % 2 ? pool : other, `w${w}-${i}`)
        written.push(`w${w}-${i}`)
      }
    })
    const reads = readers.map(async (r) => {
      for (let i = 0; i < 30; i++) await r.poll()
    })
    await Promise.all([...writes, ...reads])
    for (const r of readers) {
      await r.poll()
      expect(r.seen).toHaveLength(written.length)
      expect([...r.seen].sort()).toEqual([...written].sort())
    }
    // Both instances hand out the same cursor for the same change.
    expect(readers[0].seen).toEqual(readers[1].seen)
    const numbers = (await pool.query<{ pos: number }>('SELECT pos FROM change_log ORDER BY pos')).rows.map((r) => r.pos)
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i))
  })

  it('numbers the rows the engine triggers write, and prunes by cursor', async () => {
    const { pool } = await database()
    await pool.query(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('c1', 'Ada', 0, 0)`)
    await pool.query(`UPDATE contacts SET name = 'Ada L' WHERE id = 'c1'`)
    const rows = await changesSincePg(pool, 0, 10)
    expect(rows.map((r) => [r.kind, r.entity_id])).toEqual([
      ['contact', 'c1'],
      ['contact', 'c1'],
    ])
    expect(await latestChangeSeqPg(pool)).toBe(rows[1].seq)
    expect(await pruneChangesThroughPg(pool, rows[0].seq)).toBe(1)
    expect(await changesSincePg(pool, 0, 10)).toEqual([rows[1]])
  })

  it('numbers the changes written before migration 0020 in their order, so cursors go on from there', async () => {
    const url = await cluster().createDatabase()
    const pool = createPgPool(url, { max: 2 })
    opened.push(pool)
    await migratePg(pool, { target: 10 })
    for (const id of ['c1', 'c2', 'c3']) {
      await pool.query(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ($1, $1, 0, 0)`, [id])
    }
    await migratePg(pool)
    await change(pool, 'after')
    const rows = await changesSincePg(pool, 0, 10)
    expect(rows.map((r) => [r.seq, r.entity_id])).toEqual([
      [1, 'c1'],
      [2, 'c2'],
      [3, 'c3'],
      [4, 'after'],
    ])
  })
})
