import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import { inboundTextWebhook } from '../../helpers/engine-harness'
import { median } from '../stats'
import { mulberry32, vocabulary, ZipfText } from '../support/data'
import { startLive } from '../support/live'
import type { Scenario } from '../support/types'

/** One inbound text message from one WhatsApp user, shaped like Meta's (and the sandbox's) webhooks. */
function delivery(i: number, sender: number, text: string, at: number): string {
  const waId = `1650${String(8_000_000 + sender).padStart(7, '0')}`
  return inboundTextWebhook({ waId, userId: `US.${waId}`, id: `wamid.bench.${i}.${sender}`, text, at, name: `Sender ${sender}` })
}

/**
 * Signed webhook deliveries (one inbound message each) POSTed over HTTP to the host's
 * /webhooks/whatsapp with 8 connections: signature checked, stored raw, processed (contact,
 * thread, message, unread, consent/window bookkeeping, change feed). The clock stops when the last
 * delivery is answered and engine.settled() says everything is processed.
 */
export const webhookIngest: Scenario = {
  id: 'webhook-ingest',
  figures: ['webhook_ingest_per_s', 'webhook_ingest_ratio_to_sqlite'],
  needs: ['sqlite_insert_rows_per_s'],
  async run(ctx) {
    const deliveries = ctx.quick ? 1_000 : 3_000
    const senders = ctx.quick ? 100 : 400
    const concurrency = 8
    const runs = 3
    const rates: number[] = []
    const random = mulberry32(9)
    const text = new ZipfText(vocabulary(), random)
    for (let run = 0; run < runs; run++) {
      const live = await startLive({ dataDir: ctx.freshDir(`ingest-${run}`), noSandbox: true })
      try {
        const now = Date.now()
        const bodies = Array.from({ length: deliveries }, (_, i) => {
          const body = Buffer.from(delivery(i, i % senders, text.body(), now - 1000))
          return { body, signature: signWebhookBody(body, live.appSecret) }
        })
        let next = 0
        let failures = 0
        const worker = async () => {
          while (next < bodies.length) {
            const { body, signature } = bodies[next++]
            const response = await fetch(live.webhookUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
              body,
            })
            await response.arrayBuffer()
            if (response.status !== 200) failures++
          }
        }
        const start = performance.now()
        await Promise.all(Array.from({ length: concurrency }, worker))
        await live.engine.settled()
        const seconds = (performance.now() - start) / 1000
        const stored = (live.engine.db.prepare(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`).get() as { n: number }).n
        const processed = (
          live.engine.db.prepare(`SELECT count(*) AS n FROM webhook_events WHERE state = 'processed'`).get() as { n: number }
        ).n
        if (failures || stored !== deliveries || processed !== deliveries) {
          throw new Error(
            `ingest check failed: ${failures} non-200 answers, ${stored} messages stored, ${processed} processed of ${deliveries}`,
          )
        }
        rates.push(deliveries / seconds)
        ctx.log(`  run ${run + 1}: ${Math.round(deliveries / seconds).toLocaleString('en-US')} deliveries/s`)
      } finally {
        await live.close()
      }
    }
    const rate = median(rates)
    const sqlite = ctx.figure('sqlite_insert_rows_per_s')
    const note = `${deliveries.toLocaleString('en-US')} signed deliveries (1 inbound text each) from ${senders} senders, ${concurrency} concurrent HTTP connections, fresh data dir per run; runs ${rates.map((r) => Math.round(r)).join(' / ')}`
    return [
      {
        name: 'webhook_ingest_per_s',
        value: rate,
        unit: 'deliveries/s',
        runs,
        note,
        ...(sqlite ? { ratio: { value: rate / sqlite.value, of: 'sqlite_insert_rows_per_s' } } : {}),
      },
      sqlite
        ? { name: 'webhook_ingest_ratio_to_sqlite', value: rate / sqlite.value, unit: 'ratio', runs }
        : { name: 'webhook_ingest_ratio_to_sqlite', missing: 'sqlite_insert_rows_per_s was not measured' },
    ]
  },
}
