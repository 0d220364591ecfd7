import { randomBytes } from 'node:crypto'
import type { Store } from '../../../electron/core/db/store'
import type { SqliteEngine } from '../../../electron/core/engine'
import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import { inboundTextWebhook } from '../../helpers/engine-harness'
import { WsClient } from '../../helpers/ws-client'
import { median } from '../stats'
import { mulberry32, vocabulary, ZipfText } from '../support/data'
import { startLive } from '../support/live'
import { startPlainWebhookServer } from '../support/plain-webhook-server'
import type { BenchContext, Scenario } from '../support/types'

export const CONCURRENCY = 8
export const SUBSCRIBERS = ['priya', 'sam', 'alex']

/** One inbound text message from one WhatsApp user, shaped like Meta's (and the sandbox's) webhooks. */
function delivery(i: number, sender: number, text: string, at: number): string {
  const waId = `1650${String(8_000_000 + sender).padStart(7, '0')}`
  return inboundTextWebhook({ waId, userId: `US.${waId}`, id: `wamid.bench.${i}.${sender}`, text, at, name: `Sender ${sender}` })
}

/** POSTs every signed body with CONCURRENCY keep-alive connections; returns the non-200 count. */
async function post(url: string, bodies: Array<{ body: Buffer<ArrayBuffer>; signature: string }>): Promise<number> {
  let next = 0
  let failures = 0
  const worker = async () => {
    while (next < bodies.length) {
      const { body, signature } = bodies[next++]
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      })
      await response.arrayBuffer()
      if (response.status !== 200) failures++
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return failures
}

function signed(count: number, senders: number, secret: string, text: ZipfText): Array<{ body: Buffer<ArrayBuffer>; signature: string }> {
  const now = Date.now()
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(delivery(i, i % senders, text.body(), now - 1000))
    return { body, signature: signWebhookBody(body, secret) }
  })
}

/**
 * The product: the browser host's /webhooks/whatsapp with 3 users' WebSocket subscribers connected,
 * on SQLite in `dataDir`, or on `store` (PostgreSQL) with `count` reading its tables.
 */
export async function productRun(
  target: { dataDir: string; store?: Store; count?: (sql: string) => Promise<number> },
  deliveries: number,
  senders: number,
  text: ZipfText,
): Promise<{ rate: number; events: number[] }> {
  const live = await startLive({ dataDir: target.dataDir, noSandbox: true, ...(target.store ? { store: target.store } : {}) })
  const db = 'db' in live.engine ? (live.engine as SqliteEngine).db : undefined
  const count = target.count ?? (async (sql: string) => (db!.prepare(sql).get() as { n: number }).n)
  const sockets: WsClient[] = []
  try {
    for (const user of SUBSCRIBERS) sockets.push(await WsClient.connect(live.host.url, { token: live.token, user }))
    const bodies = signed(deliveries, senders, live.appSecret, text)
    const start = performance.now()
    const failures = await post(live.webhookUrl, bodies)
    await live.engine.settled()
    // A round trip on every socket: its reply follows the events pushed before it, so the clock
    // stops once every subscriber has received everything.
    await Promise.all(sockets.map((socket) => socket.raw('session:get', {})))
    const seconds = (performance.now() - start) / 1000
    const stored = await count(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`)
    const processed = await count(`SELECT count(*) AS n FROM webhook_events WHERE state = 'processed'`)
    if (failures || stored !== deliveries || processed !== deliveries) {
      throw new Error(
        `ingest check failed: ${failures} non-200 answers, ${stored} messages stored, ${processed} processed of ${deliveries}`,
      )
    }
    return { rate: deliveries / seconds, events: sockets.map((s) => s.events.length) }
  } finally {
    for (const socket of sockets) socket.close()
    await live.close()
  }
}

/** The baseline: plain node:http + HMAC check + raw insert, same bodies, same client connections. */
async function baselineRun(ctx: BenchContext, run: number, deliveries: number, senders: number, text: ZipfText) {
  const secret = randomBytes(16).toString('hex')
  const server = await startPlainWebhookServer(ctx.freshDir(`plain-${run}`), secret)
  try {
    const bodies = signed(deliveries, senders, secret, text)
    const start = performance.now()
    const failures = await post(server.url, bodies)
    const seconds = (performance.now() - start) / 1000
    if (failures || server.stored() !== deliveries) throw new Error(`baseline check failed: ${failures} non-200, ${server.stored()} stored`)
    return deliveries / seconds
  } finally {
    await server.close()
  }
}

/**
 * Signed webhook deliveries (one inbound message each) POSTed over HTTP with 8 connections to the
 * host's /webhooks/whatsapp while priya, sam and alex are connected over WebSocket: signature
 * checked, stored raw, processed (contact, thread, message, unread, consent/window bookkeeping,
 * change feed, events pushed). The clock stops when the last delivery is answered,
 * engine.settled() says everything is processed and every subscriber has received its events. Runs alternate with issue 21's baseline (plain
 * node:http + HMAC + raw insert) so machine noise hits both sides.
 */
export const webhookIngest: Scenario = {
  id: 'webhook-ingest',
  figures: [
    'webhook_ingest_ratio',
    'webhook_ingest_ratio_product',
    'webhook_ingest_ratio_baseline',
    'webhook_ingest_per_s',
    'webhook_ingest_ratio_to_sqlite',
  ],
  async run(ctx) {
    const deliveries = ctx.quick ? 1_000 : 3_000
    const senders = ctx.quick ? 100 : 400
    const runs = 3
    const product: number[] = []
    const baseline: number[] = []
    const events: number[][] = []
    const random = mulberry32(9)
    const text = new ZipfText(vocabulary(), random)
    for (let run = 0; run < runs; run++) {
      const p = await productRun({ dataDir: ctx.freshDir(`ingest-${run}`) }, deliveries, senders, text)
      product.push(p.rate)
      events.push(p.events)
      baseline.push(await baselineRun(ctx, run, deliveries, senders, text))
      ctx.log(
        `  run ${run + 1}: product ${Math.round(p.rate).toLocaleString('en-US')}/s (events pushed ${p.events.join('/')}), baseline ${Math.round(baseline[run]).toLocaleString('en-US')}/s`,
      )
    }
    const p = median(product)
    const b = median(baseline)
    const sqlite = ctx.figure('sqlite_insert_rows_per_s')
    const note = `${deliveries.toLocaleString('en-US')} signed deliveries (1 inbound text each) from ${senders} senders, ${CONCURRENCY} concurrent HTTP connections, ${SUBSCRIBERS.length} WebSocket subscribers (${SUBSCRIBERS.join(', ')}; events pushed per run ${events.map((e) => e.join('/')).join(', ')}), fresh data dir per run; baseline plain node:http + HMAC + raw insert (autocommit, WAL+NORMAL), alternating runs: product ${product.map((r) => Math.round(r)).join(' / ')}, baseline ${baseline.map((r) => Math.round(r)).join(' / ')} deliveries/s`
    return [
      {
        name: 'webhook_ingest_ratio',
        value: p / b,
        unit: 'ratio',
        runs,
        ratio: { value: p / b, of: 'plain node:http + HMAC + raw insert' },
        note,
      },
      { name: 'webhook_ingest_ratio_product', value: p, unit: 'deliveries/s', runs },
      { name: 'webhook_ingest_ratio_baseline', value: b, unit: 'deliveries/s', runs },
      {
        name: 'webhook_ingest_per_s',
        value: p,
        unit: 'deliveries/s',
        runs,
        ...(sqlite ? { ratio: { value: p / sqlite.value, of: 'sqlite_insert_rows_per_s' } } : {}),
      },
      sqlite
        ? { name: 'webhook_ingest_ratio_to_sqlite', value: p / sqlite.value, unit: 'ratio', runs }
        : { name: 'webhook_ingest_ratio_to_sqlite', missing: 'sqlite_insert_rows_per_s was not measured (run with --only sqlite too)' },
    ]
  },
}
