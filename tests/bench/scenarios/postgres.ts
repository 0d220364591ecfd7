import Database from 'better-sqlite3'
import { join } from 'node:path'
import type pg from 'pg'
import { OffsetClock } from '../../../electron/shared/clock'
import { migratePg } from '../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../electron/core/db/pg/pool'
import { searchMessages } from '../../../electron/core/db/pg/search'
import { createPgStore } from '../../../electron/core/db/pg/store'
import { createEngine } from '../../../electron/core/engine'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { joinCluster } from '../../../electron/server/cluster'
import { startPgCluster, type PgCluster } from '../../helpers/pg-cluster'
import { queueTexts, seedWhatsAppPeople } from '../../helpers/pg-seed'
import { instantClient } from './scheduler'
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
 * - `pg_dispatch_per_s`: 5,000 queued messages for 50 WhatsApp users sent by two engines (server
 *   instances: each its own pool, cluster link and shared send limits) on one database, through the
 *   whole send path (policy, lease, shared limits, the send, its outcome), to a client that accepts
 *   at once; the limits lifted. One instance's rate on the same work is in the note (sizing).
 * - `pg_webhook_ingest_per_s`: `webhook_ingest_per_s`'s run (signed deliveries over HTTP, 3 WebSocket
 *   subscribers, everything processed) with the engine on PostgreSQL, a fresh migrated database per run.
 */
/** Seconds for `instances` engines on one fresh database to send `messages` queued texts for 50 people. */
async function dispatchRun(ctx: BenchContext, cluster: PgCluster, instances: number, messages: number, run: number): Promise<number> {
  const url = await cluster.createDatabase('dispatch')
  const pool = createPgPool(url, { max: 4 })
  const stops: Array<() => Promise<void>> = []
  try {
    await migratePg(pool)
    const now = Date.now()
    const people = await seedWhatsAppPeople(pool, 50, { now, lastInboundAt: now - 3_600_000 })
    await queueTexts(pool, people, messages / people.length, now)
    const engines = []
    let sends = 0
    for (let i = 0; i < instances; i++) {
      const own = createPgPool(url, { max: 10 })
      const joined = await joinCluster({ url, pool: own, clock: new OffsetClock(), phoneNumberId: 'bench' })
      const engine = createEngine({
        dataDir: ctx.freshDir(`pg-dispatch-${instances}-${run}-${i}`),
        store: createPgStore(own),
        cluster: joined.link,
        directory: 'database',
        org: demoOrgPolicy(),
        whatsappClient: instantClient(() => sends++),
        scheduler: { sharedLimits: joined.sharedLimits, messagesPerSecond: 1_000_000, pairBurst: 1_000_000 },
      })
      stops.push(async () => {
        await engine.close()
        await joined.stop()
        await own.end()
      })
      await engine.ready
      engines.push(engine)
    }
    const left = async () => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0].n
    const start = performance.now()
    await Promise.all(engines.map((engine) => engine.start()))
    while ((await left()) > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    const seconds = (performance.now() - start) / 1000
    const sent = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE status = 'sent'`)).rows[0].n
    // Each message once: a figure from sending some twice would flatter the product.
    if (sent !== messages || sends !== messages) throw new Error(`pg dispatch: ${sent} of ${messages} sent, ${sends} sends`)
    return seconds
  } finally {
    for (const stop of stops) await stop()
    await pool.end()
  }
}

async function dispatchFigure(ctx: BenchContext, cluster: PgCluster): Promise<Figure> {
  const messages = ctx.quick ? 2_000 : 5_000
  const two: number[] = []
  const one: number[] = []
  for (let run = 0; run < 3; run++) {
    two.push(messages / (await dispatchRun(ctx, cluster, 2, messages, run)))
    one.push(messages / (await dispatchRun(ctx, cluster, 1, messages, run)))
    ctx.log(`  PostgreSQL dispatch run ${run + 1}: two instances ${Math.round(two[run])}/s, one ${Math.round(one[run])}/s`)
  }
  return {
    name: 'pg_dispatch_per_s',
    value: median(two),
    unit: 'msgs/s',
    runs: two.length,
    note: `${messages.toLocaleString('en-US')} queued texts for 50 people, two engines (instances) on one database through the whole send path, shared limits lifted: ${two.map((r) => Math.round(r)).join(' / ')} msgs/s; one instance alone: ${one.map((r) => Math.round(r)).join(' / ')} msgs/s (median ${Math.round(median(one))})`,
  }
}

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

        return [
          {
            name: 'pg_search_ms_p95',
            value: percentile(times, 95),
            unit: 'ms',
            runs: times.length,
            note: `${copied.toLocaleString('en-US')} messages in PostgreSQL 15 (tsvector + GIN), ${queries.length} queries × ${reps}, cold first runs included (cold median ${median(cold).toFixed(1)} ms), p50 ${median(times).toFixed(2)} ms`,
          },
          await dispatchFigure(ctx, cluster),
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
