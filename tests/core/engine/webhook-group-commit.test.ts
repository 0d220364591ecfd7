import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type SqliteEngine } from '../../../electron/core/engine'
import { ITEMS_PER_SLICE } from '../../../electron/core/services/webhook-intake'
import { resolveWhatsAppConfig } from '../../../electron/core/whatsapp/config'
import { signWebhookBody } from '../../../electron/core/whatsapp/signature'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { ManualClock } from '../../../electron/shared/clock'
import { messagesWebhook } from '../../helpers/engine-harness'

const OURS = '106540352242922'
let engine: SqliteEngine | undefined
afterEach(async () => {
  await engine?.close()
  engine = undefined
})

async function startEngine(): Promise<SqliteEngine> {
  const whatsapp = resolveWhatsAppConfig({
    env: {
      GREENLINE_WA_ACCESS_TOKEN: 'token',
      GREENLINE_WA_APP_SECRET: 'secret',
      GREENLINE_WA_PHONE_NUMBER_ID: OURS,
      GREENLINE_WA_BASE_URL: 'http://127.0.0.1:9',
    },
  })
  engine = createEngine({
    dataDir: mkdtempSync(join(tmpdir(), 'greenline-intake-')),
    org: demoOrgPolicy(),
    whatsapp,
    clock: new ManualClock(),
  })
  await engine.start()
  return engine
}

/** One signed delivery with `count` inbound texts from `count` different senders. */
function delivery(first: number, count: number): Buffer {
  const senders = Array.from({ length: count }, (_, i) => String(14155550000 + first + i))
  return Buffer.from(
    messagesWebhook(
      {
        contacts: senders.map((wa_id) => ({ profile: { name: `Sender ${wa_id}` }, wa_id })),
        messages: senders.map((from, i) => ({
          from,
          id: `wamid.${first + i}`,
          timestamp: String(1_700_000_000 + first + i),
          type: 'text',
          text: { body: `hello ${first + i}` },
        })),
      },
      OURS,
    ),
  )
}

const count = (e: SqliteEngine, sql: string) => (e.db.prepare(sql).get() as { n: number }).n

/** Counts the outermost transactions committed through the engine's store (each is one COMMIT). */
function countCommits(e: SqliteEngine): () => number {
  let commits = 0
  const original = e.store.transaction.bind(e.store)
  e.store.transaction = async (work) => {
    const result = await original(work)
    commits++
    return result
  }
  return () => commits
}

describe('webhook intake: group commit and bounded slices (issues 16 and 21)', () => {
  it('stores and applies concurrent deliveries in one commit, answering each only after it', async () => {
    const e = await startEngine()
    await e.webhooks.drained()
    const commits = countCommits(e)
    const bodies = Array.from({ length: 20 }, (_, i) => delivery(i * 10, 1))
    const answers = await Promise.all(bodies.map((body) => e.webhooks.receive(body, signWebhookBody(body, 'secret'))))
    expect(answers.every((a) => a.status === 200)).toBe(true)
    // Answered means committed and applied: every message is there already.
    expect(count(e, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).toBe(20)
    expect(count(e, `SELECT count(*) AS n FROM webhook_events WHERE state = 'processed'`)).toBe(20)
    expect(commits()).toBe(1)
  })

  it('stores an identical delivery sent twice in one batch once', async () => {
    const e = await startEngine()
    const body = delivery(500, 1)
    const answers = await Promise.all([0, 1].map(() => e.webhooks.receive(body, signWebhookBody(body, 'secret'))))
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(count(e, `SELECT count(*) AS n FROM webhook_events`)).toBe(1)
    expect(count(e, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).toBe(1)
  })

  it('applies a big delivery in slices, giving the event loop turns in between, and loses nothing @security', async () => {
    const e = await startEngine()
    const size = ITEMS_PER_SLICE * 3 + 17
    const body = delivery(1000, size)
    let turns = 0
    let stop = false
    const tick = () => {
      turns++
      if (!stop) setImmediate(tick)
    }
    expect((await e.webhooks.receive(body, signWebhookBody(body, 'secret'))).status).toBe(200)
    // Stored at once (acknowledged), applied afterwards.
    expect(count(e, `SELECT count(*) AS n FROM webhook_events WHERE state = 'pending'`)).toBe(1)
    setImmediate(tick)
    await e.webhooks.drained()
    stop = true
    expect(count(e, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).toBe(size)
    expect(count(e, `SELECT count(*) AS n FROM webhook_events WHERE state = 'processed'`)).toBe(1)
    expect(turns).toBeGreaterThanOrEqual(3)
  }, 60_000)

  it('still answers 400 for malformed JSON and 401 for a forged signature, storing nothing to apply', async () => {
    const e = await startEngine()
    const bad = Buffer.from('{"object":')
    expect((await e.webhooks.receive(bad, signWebhookBody(bad, 'secret'))).status).toBe(400)
    const body = delivery(0, 1)
    expect((await e.webhooks.receive(body, signWebhookBody(body, 'wrong'))).status).toBe(401)
    expect(count(e, `SELECT count(*) AS n FROM webhook_events WHERE state != 'rejected'`)).toBe(0)
  })

  it('a delivery arriving while the pump looks for stored ones is applied, not refused as shutting down', async () => {
    const e = await startEngine()
    await e.webhooks.drained()
    const late = delivery(500, 1)
    let lateAnswer: Promise<{ status: number }> | undefined
    const repository = e.store.webhookEvents
    const pending = repository.pendingWebhookEvents.bind(repository)
    // The pump's last read before it stops: a request's body lands during it.
    repository.pendingWebhookEvents = async (...args) => {
      const rows = await pending(...args)
      lateAnswer ??= e.webhooks.receive(late, signWebhookBody(late, 'secret'))
      return rows
    }
    const first = delivery(400, 1)
    expect((await e.webhooks.receive(first, signWebhookBody(first, 'secret'))).status).toBe(200)
    await e.webhooks.drained()
    expect((await lateAnswer!).status).toBe(200)
    expect(count(e, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).toBe(2)
  })
})
