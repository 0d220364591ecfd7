import Database from 'better-sqlite3'
import { join } from 'node:path'
import type pg from 'pg'
import { migratePg } from '../../../electron/core/db/pg/migrate'
import { claimDue, completeLease, enqueuePg } from '../../../electron/core/db/pg/outbox'
import { createPgPool } from '../../../electron/core/db/pg/pool'
import { searchMessages } from '../../../electron/core/db/pg/search'
import { createPgStore } from '../../../electron/core/db/pg/store'
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster'
import { mulberry32, vocabulary, ZipfText } from '../support/data'
import { CONCURRENCY, productRun, SUBSCRIBERS } from './webhook-ingest'
import { median, percentile } from '../stats'
import type { BenchContext, Figure, Scenario } from '../support/types'

/** Copies the rows search needs from the shared SQLite database into PostgreSQL, in batches. */
async function copyBigDb(sqlitePath: string, pool: pg.Pool): Promise<number> {
  const lite = new Database(sqlitePath, { readonly: true })
  try {
    const copy = async (rows: unknown[][], columns: number, types: string[], insert: string) => {
      for (let from = 0; from < rows.length; from += 5_000) {
        const batch = rows.slice(from, from + 5_000)
        const arrays = Array.from({ length: columns }, (_, i) => batch.map((row) => row[i]))
        await pool.query(`${insert} SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`, arrays)
      }
    }
    const all = (sql: string) => lite.prepare(sql).raw().all() as unknown[][]
    await copy(all('SELECT id, name FROM org_users'), 2, ['text', 'text'], 'INSERT INTO org_users (id, name)')
    await copy(
      all('SELECT id, name, created_at, updated_at FROM contacts'),
      4,
      ['text', 'text', 'bigint', 'bigint'],
      'INSERT INTO contacts (id, name, created_at, updated_at)',
    )
    await copy(
      all('SELECT id, contact_id, channel, created_at, last_activity_at FROM conversations'),
      5,
      ['text', 'text', 'text', 'bigint', 'bigint'],
      'INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at)',
    )
    await copy(
      all('SELECT conversation_id, user_id, joined_at, left_at FROM participants'),
      4,
      ['text', 'text', 'bigint', 'bigint'],
      'INSERT INTO participants (conversation_id, user_id, joined_at, left_at)',
    )
    // Messages stream in id order so memory stays flat on a million rows.
    const statement = lite
      .prepare('SELECT id, conversation_id, direction, kind, body, status, created_at, updated_at FROM messages ORDER BY rowid')
      .raw()
    let batch: unknown[][] = []
    let count = 0
    const types = ['text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'bigint']
    const flush = () =>
      copy(batch, 8, types, 'INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at)')
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      batch.push(row)
      if (batch.length === 5_000) {
        await flush()
        count += batch.length
        batch = []
      }
    }
    await flush()
    count += batch.length
    await pool.query('ANALYZE')
    return count
  } finally {
    lite.close()
  }
}

/**
 * PostgreSQL figures beside the SQLite ones, in the same run, on a throwaway cluster (Debian's
 * postgresql; durability off as in the tests, so these are upper bounds for a durable server):
 * - `pg_search_ms_p95`: the shared 1M-message database (100k with --quick) copied in, then the same
 *   query mix as `search_ms_p95` through pg/search.ts (tsvector + GIN), each query's cold first
 *   run included.
 * - `pg_dispatch_per_s`: 5,000 messages for 50 WhatsApp users claimed with leases (FOR UPDATE SKIP
 *   LOCKED) and completed by two pools ("instances") with two claimers each. This is the outbox's
 *   database work only; the engine's send path is not on PostgreSQL yet.
 * - `pg_webhook_ingest_per_s`: `webhook_ingest_per_s`'s run (signed deliveries over HTTP, 3 WebSocket
 *   subscribers, everything processed) with the engine on PostgreSQL, a fresh migrated database per run.
 */
async function ingestFigure(ctx: BenchContext, cluster: PgCluster): Promise<Figure> {
  const deliveries = ctx.quick ? 1_000 : 3_000
  const senders = ctx.quick ? 100 : 400
  const text = new ZipfText(vocabulary(), mulberry32(9))
  const rates: number[] = []
  for (let run = 0; run < 3; run++) {
    const pool = createPgPool(await cluster.createDatabase('ingest'), { max: 10 })
    try {
      await migratePg(pool)
      const count = async (sql: string) => Number((await pool.query<{ n: number }>(sql)).rows[0].n)
      const { rate } = await productRun(
        { dataDir: ctx.freshDir(`pg-ingest-${run}`), store: createPgStore(pool), count },
        deliveries,
        senders,
        text,
      )
      rates.push(rate)
      ctx.log(`  PostgreSQL ingest run ${run + 1}: ${Math.round(rate).toLocaleString('en-US')} deliveries/s`)
    } finally {
      await pool.end()
    }
  }
  const sqlite = ctx.figure('webhook_ingest_per_s')
  return {
    name: 'pg_webhook_ingest_per_s',
    value: median(rates),
    unit: 'deliveries/s',
    runs: rates.length,
    ...(sqlite ? { ratio: { value: median(rates) / sqlite.value, of: 'webhook_ingest_per_s (SQLite, same run)' } } : {}),
    note: `${deliveries.toLocaleString('en-US')} signed deliveries from ${senders} senders over HTTP, ${CONCURRENCY} connections, ${SUBSCRIBERS.length} WebSocket subscribers, the engine on PostgreSQL (a fresh migrated database per run): ${rates.map((r) => Math.round(r)).join(' / ')} deliveries/s`,
  }
}

export const postgres: Scenario = {
  id: 'postgres',
  figures: ['pg_search_ms_p95', 'pg_dispatch_per_s', 'pg_webhook_ingest_per_s'],
  async run(ctx) {
    const big = await ctx.bigDb()
    const cluster = await startPgCluster()
    try {
      const pool = createPgPool(await cluster.createDatabase('bench'), { max: 6 })
      try {
        await migratePg(pool)
        const loadStart = performance.now()
        const copied = await copyBigDb(join(big.dataDir, 'greenline.db'), pool)
        ctx.log(
          `  copied ${copied.toLocaleString('en-US')} messages into PostgreSQL in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
        )

        const w = big.words
        const queries = [
          w[0],
          w[3],
          w[10],
          w[25],
          w[120],
          w[300],
          w[600],
          w[1500],
          w[3000],
          w[5000],
          `${w[8]} ${w[40]}`,
          `${w[60]} ${w[900]}`,
          w[700].slice(0, 3),
          w[2500].slice(0, 4),
        ]
        const reps = ctx.quick ? 5 : 10
        const times: number[] = []
        const cold: number[] = []
        for (const query of queries) {
          for (let i = 0; i < reps; i++) {
            const start = performance.now()
            await searchMessages(pool, 'priya', query, 50)
            const ms = performance.now() - start
            times.push(ms)
            if (i === 0) cold.push(ms)
          }
        }

        const users = 50
        const messages = ctx.quick ? 2_000 : 5_000
        await pool.query(`INSERT INTO contacts (id, name, created_at, updated_at) VALUES ('bench-k', 'Bench', 0, 0)`)
        await pool.query(
          `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ('bench-c', 'bench-k', 'whatsapp', 0, 0)`,
        )
        for (let i = 0; i < messages; i++) {
          await pool.query(
            `INSERT INTO messages (id, conversation_id, direction, kind, body, status, created_at, updated_at) VALUES ($1, 'bench-c', 'out', 'text', 'hi', 'queued', $2, $2)`,
            [`out-${i}`, i],
          )
          await enqueuePg(pool, { messageId: `out-${i}`, lane: `user-${i % users}`, seq: i, kind: 'text', state: 'ready', dueAt: 0 })
        }
        const instances = [
          createPgPool(pool.options.connectionString!, { max: 2 }),
          createPgPool(pool.options.connectionString!, { max: 2 }),
        ]
        let done = 0
        const claimer = async (instance: pg.Pool) => {
          for (;;) {
            const claimed = await claimDue(instance, { now: 1, leaseUntil: 60_000, limit: 10 })
            if (claimed.length === 0) {
              const { rows } = await instance.query<{ n: string }>('SELECT count(*) AS n FROM outbox')
              if (Number(rows[0].n) === 0) return
              continue
            }
            for (const { row } of claimed) {
              if (await completeLease(instance, row.message_id, 60_000)) done++
            }
          }
        }
        const start = performance.now()
        await Promise.all(instances.flatMap((instance) => [claimer(instance), claimer(instance)]))
        const seconds = (performance.now() - start) / 1000
        await Promise.all(instances.map((instance) => instance.end()))
        if (done !== messages) throw new Error(`pg dispatch completed ${done} of ${messages}`)

        return [
          {
            name: 'pg_search_ms_p95',
            value: percentile(times, 95),
            unit: 'ms',
            runs: times.length,
            note: `${copied.toLocaleString('en-US')} messages in PostgreSQL 15 (tsvector + GIN), ${queries.length} queries × ${reps}, cold first runs included (cold median ${median(cold).toFixed(1)} ms), p50 ${median(times).toFixed(2)} ms`,
          },
          {
            name: 'pg_dispatch_per_s',
            value: messages / seconds,
            unit: 'msgs/s',
            runs: 1,
            note: `${messages.toLocaleString('en-US')} outbox rows for ${users} users, 2 pools × 2 claimers, lease claim + complete only (the engine's send path is not on PostgreSQL yet)`,
          },
          await ingestFigure(ctx, cluster),
        ]
      } finally {
        await pool.end()
      }
    } finally {
      cluster.stop()
    }
  },
}
