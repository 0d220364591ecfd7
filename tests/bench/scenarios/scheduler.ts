import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { releaseLane } from '../../../electron/core/services/lanes'
import { resolveWhatsAppConfig } from '../../../electron/core/whatsapp/config'
import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import type { WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { inboundTextWebhook } from '../../helpers/engine-harness'
import { median, percentile } from '../stats'
import type { Scenario } from '../support/types'

const DAY = 24 * 3_600_000

/** A WhatsApp client that accepts every send after one turn of the event loop (Meta is not measured). */
export function instantClient(onSend: (to: string) => void): WhatsAppClient {
  let n = 0
  const accept = async (input: { to?: string; recipient?: string }) => {
    onSend(input.to ?? input.recipient ?? '')
    await new Promise<void>((resolve) => setImmediate(resolve))
    return { ok: true as const, value: { id: `wamid.bench.${++n}` } }
  }
  const unused = () => Promise.reject(new Error('not used by this bench'))
  return {
    sendText: accept,
    sendTemplate: accept,
    sendImage: accept,
    uploadMedia: unused,
    markRead: () => Promise.resolve({ ok: true as const, value: undefined }),
    getMediaUrl: unused,
    downloadMedia: unused,
  } as unknown as WhatsAppClient
}

/** `users` WhatsApp users with consent whose window closed a day ago, each with `perUser` held texts. */
function seed(engine: SqliteEngine, users: number, perUser: number): string[] {
  const db = engine.db
  const now = engine.clock.now()
  const lanes: string[] = []
  const insert = {
    contact: db.prepare(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`),
    user: db.prepare(`INSERT INTO whatsapp_users (contact_id, consent, consent_updated_at, last_inbound_at) VALUES (?, 'granted', ?, ?)`),
    conversation: db.prepare(
      `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES (?, ?, 'whatsapp', ?, ?)`,
    ),
    participant: db.prepare(`INSERT INTO participants (conversation_id, user_id, joined_at) VALUES (?, 'priya', ?)`),
    message: db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, status, hold_reason, created_at, updated_at)
       VALUES (?, ?, 'out', 'priya', 'text', ?, 'held', 'awaiting_reply', ?, ?)`,
    ),
    outbox: db.prepare(`INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES (?, ?, ?, 'text', 'held', ?)`),
  }
  db.transaction(() => {
    for (let u = 0; u < users; u++) {
      const contact = `c_bench_${u}`
      const digits = String(15550000000 + u)
      insert.contact.run(contact, `Bench User ${u}`, `+${digits}`, digits, now, now)
      insert.user.run(contact, now - 2 * DAY, now - DAY - 3_600_000)
      insert.conversation.run(`v_bench_${u}`, contact, now, now)
      insert.participant.run(`v_bench_${u}`, now)
      for (let m = 0; m < perUser; m++) {
        const id = `m_bench_${u}_${m}`
        const seq = Number(insert.message.run(id, `v_bench_${u}`, `Update ${m} for user ${u}`, now, now).lastInsertRowid)
        insert.outbox.run(id, contact, seq, now)
      }
      lanes.push(contact)
    }
  })()
  return lanes
}

/** Counts the scheduler's passes (LaneRunner.run), for the log line. */
function countWakes(engine: SqliteEngine): () => number {
  const runner = (engine.scheduler as unknown as { runner: { run: () => Promise<void> } }).runner
  const run = runner.run.bind(runner)
  let wakes = 0
  runner.run = () => {
    wakes++
    return run()
  }
  return () => wakes
}

/**
 * The longest the event loop stood still while the engine worked (a 1 ms timer's worst delay).
 * A scheduler pass awaits the store, but on SQLite every await settles at once (microtasks), so a
 * pass and the sends it starts block the loop from start to end: timing only the part of a pass
 * before its first await would flatter it, and timing a pass's span would count whatever it waited
 * behind. `pause` leaves out the bench's own bulk release (one transaction over every lane, which
 * is set-up, not the scheduler's work).
 */
function stallMonitor(): { pause: () => void; resume: () => void; max: () => number } {
  let worst = 0
  let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined
  const pause = () => {
    if (!histogram) return
    histogram.disable()
    worst = Math.max(worst, histogram.max / 1e6)
    histogram = undefined
  }
  const resume = () => {
    histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
  }
  resume()
  return {
    pause,
    resume,
    max: () => {
      pause()
      return worst
    },
  }
}

/**
 * The outbox at office scale: 50,000 held messages across 5,000 WhatsApp users (window closed).
 * Release latency: a user's reply arrives as a signed webhook → the first of their held messages
 * handed to WhatsApp (a client that accepts at once), one user at a time with the rest held.
 * Bulk release: every remaining user's window opens at once with the org limits lifted; sends per
 * second until the outbox is empty, and the longest event-loop stall meanwhile (see `stallMonitor`).
 */
export const scheduler: Scenario = {
  id: 'scheduler',
  figures: ['release_latency_ms_p95', 'release_latency_ms_p50', 'bulk_release_per_s', 'scheduler_block_ms_max'],
  async run(ctx) {
    const users = ctx.quick ? 1_000 : 5_000
    const perUser = 10
    const runs = 3
    const repliers = 30
    const latencies: number[] = []
    const rates: number[] = []
    const blocks: number[] = []
    for (let run = 0; run < runs; run++) {
      let onSend: (to: string) => void = () => {}
      const whatsapp = resolveWhatsAppConfig({
        env: {
          GREENLINE_WA_ACCESS_TOKEN: 't',
          GREENLINE_WA_APP_SECRET: 'secret',
          GREENLINE_WA_PHONE_NUMBER_ID: '106540352242922',
          GREENLINE_WA_BASE_URL: 'http://127.0.0.1:9',
        },
      })
      const engine = createEngine({
        dataDir: ctx.freshDir(`scheduler-${run}`),
        org: demoOrgPolicy(),
        whatsapp,
        whatsappClient: instantClient((to) => onSend(to)),
        scheduler: { messagesPerSecond: 1_000_000, pairBurst: 1_000_000, pairRefillMs: 1 },
      })
      try {
        const lanes = seed(engine, users, perUser)
        const wakes = countWakes(engine)
        const stalls = stallMonitor()
        await engine.start()
        await engine.settled()
        for (let i = 0; i < repliers; i++) {
          const digits = String(15550000000 + i)
          const body = Buffer.from(
            inboundTextWebhook({ waId: digits, id: `wamid.reply.${run}.${i}`, text: 'Any news?', at: engine.clock.now() }),
          )
          const latency = new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no send to ${digits} within 30 s of the reply`)), 30_000)
            onSend = (to) => {
              clearTimeout(timer)
              if (to.replace(/\D/g, '') === digits) resolve(performance.now() - start)
            }
          })
          const start = performance.now()
          void engine.webhooks.receive(body, signWebhookBody(body, 'secret'))
          latencies.push(await latency)
          onSend = () => {}
          await engine.settled()
        }
        // Everyone else's window opens at once.
        const rest = lanes.slice(repliers)
        engine.db.prepare(`UPDATE whatsapp_users SET last_inbound_at = ?`).run(engine.clock.now())
        const start = performance.now()
        stalls.pause()
        await engine.store.transaction(async (store) => {
          for (const lane of rest) await releaseLane({ ...engine.ctx, store }, lane)
        })
        stalls.resume()
        await engine.settled()
        const seconds = (performance.now() - start) / 1000
        const left = (engine.db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n
        if (left !== 0) throw new Error(`${left} messages still in the outbox after the bulk release`)
        rates.push((rest.length * perUser) / seconds)
        blocks.push(stalls.max())
        ctx.log(
          `  run ${run + 1}: bulk ${Math.round((rest.length * perUser) / seconds)} sends/s, longest stall ${blocks.at(-1)!.toFixed(2)} ms over ${wakes()} wakes`,
        )
      } finally {
        await engine.close()
      }
    }
    const note = `${(users * perUser).toLocaleString('en-US')} held across ${users.toLocaleString('en-US')} users (window closed), WhatsApp client accepting after one event-loop turn, org limits lifted; latency: ${repliers} users per run reply by signed webhook with the rest held, ${runs} runs; bulk: the other users released at once, median of ${runs} runs (${rates.map((r) => Math.round(r)).join(' / ')}/s); block: longest event-loop stall while the engine started, took the replies and drained the outbox (the bench's own bulk-release transaction left out), monitorEventLoopDelay at 1 ms, median of the per-run maxima (${blocks.map((b) => b.toFixed(2)).join(' / ')} ms)`
    return [
      { name: 'release_latency_ms_p95', value: percentile(latencies, 95), unit: 'ms', runs: latencies.length, note },
      { name: 'release_latency_ms_p50', value: median(latencies), unit: 'ms', runs: latencies.length },
      { name: 'bulk_release_per_s', value: median(rates), unit: 'sends/s', runs },
      { name: 'scheduler_block_ms_max', value: median(blocks), unit: 'ms', runs },
    ]
  },
}
