import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../electron/core/engine'
import { migratePg } from '../../../electron/core/db/pg/migrate'
import { createPgPool } from '../../../electron/core/db/pg/pool'
import { createPgStore } from '../../../electron/core/db/pg/store'
import type { SendRates, SharedSendLimits } from '../../../electron/core/outbox/scheduler'
import type { WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { joinCluster } from '../../../electron/server/cluster'
import { OffsetClock } from '../../../electron/shared/clock'
import type { Conversation, Message } from '../../../electron/shared/domain'
import { usePgCluster } from '../../helpers/pg-cluster'
import { seedWhatsAppPeople } from '../../helpers/pg-seed'

// Several server instances on one PostgreSQL database, in one process: each its own pool, engine
// and cluster link, as separate processes would have. What users would notice: a message sent
// twice, one overtaking an earlier one, or a thread on one instance not showing another's writes.

interface Send {
  instance: string
  to: string
  text: string
}

/** Accepts every send after a moment (both instances are mid-send at once), recording who sent what. */
function recordingClient(instance: string, log: Send[]): WhatsAppClient {
  let n = 0
  const accept = async (input: { to?: string; recipient?: string; text?: string }) => {
    log.push({ instance, to: input.to ?? input.recipient ?? '', text: input.text ?? '' })
    await new Promise<void>((resolve) => setTimeout(resolve, 1))
    return { ok: true as const, value: { id: `wamid.${instance}.${++n}` } }
  }
  const unused = () => Promise.reject(new Error('not used here'))
  return {
    sendText: accept,
    sendTemplate: accept,
    sendImage: unused,
    uploadMedia: unused,
    markRead: () => Promise.resolve({ ok: true as const, value: undefined }),
    checkAccount: () => Promise.resolve({ ok: true as const, value: undefined }),
    listTemplates: () => Promise.resolve({ ok: true as const, value: [] }),
    getMediaUrl: unused,
    downloadMedia: unused,
  } as unknown as WhatsAppClient
}

describe('several instances on one PostgreSQL database', () => {
  const cluster = usePgCluster()
  const cleanup: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step()
  })

  async function database(): Promise<string> {
    const url = await cluster().createDatabase('instances')
    const pool = createPgPool(url, { max: 2 })
    await migratePg(pool)
    await pool.end()
    return url
  }

  async function instance(url: string, name: string, sends: Send[], limits: { pairBurst?: number; pairRefillMs?: number } = {}) {
    const pool = createPgPool(url, { max: 4 })
    const clock = new OffsetClock()
    const joined = await joinCluster({ url, pool, clock, phoneNumberId: 'pn-1' })
    const dataDir = mkdtempSync(join(tmpdir(), `greenline-${name}-`))
    // Counts the times the shared limits told this instance to wait.
    const told = { waits: 0 }
    const sharedLimits = (rates: SendRates): SharedSendLimits => {
      const limits = joined.sharedLimits(rates)
      return {
        ...limits,
        availableAt: async (lane, now) => {
          const at = await limits.availableAt(lane, now)
          if (at > now) told.waits++
          return at
        },
      }
    }
    const engine = createEngine({
      dataDir,
      store: createPgStore(pool),
      cluster: joined.link,
      directory: 'database',
      org: demoOrgPolicy(),
      clock,
      whatsappClient: recordingClient(name, sends),
      scheduler: { sharedLimits, messagesPerSecond: 1000, ...limits },
    })
    cleanup.push(async () => {
      await engine.close()
      await joined.stop()
      await pool.end()
      rmSync(dataDir, { recursive: true, force: true })
    })
    await engine.ready
    return { engine, pool, told }
  }

  /** `count` WhatsApp users who agreed and wrote an hour ago, each with priya's open thread. */
  const seedUsers = (pool: pg.Pool, count: number) =>
    seedWhatsAppPeople(pool, count, { now: Date.now(), lastInboundAt: Date.now() - 3_600_000 })

  const send = async (engine: Engine, conversationId: string, text: string) => {
    const result = await engine.dispatch({ userId: 'priya' }, 'messages:send', { conversationId, text })
    if (!result.ok) throw new Error(result.error.message)
  }

  it('sends every message once, in order per WhatsApp user, whichever instance took it', async () => {
    const url = await database()
    const sends: Send[] = []
    const a = await instance(url, 'a', sends)
    const b = await instance(url, 'b', sends)
    const users = await seedUsers(a.pool, 10)
    await a.engine.start()
    await b.engine.start()

    // Two colleagues on different instances write to the same people, interleaved.
    const expected = new Map(users.map((u) => [u.phone, [] as string[]]))
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        users.map(async (user, u) => {
          const on = (round + u) % 2 === 0 ? a : b
          const text = `message ${round} to ${u}`
          expected.get(user.phone)!.push(text)
          await send(on.engine, user.conversationId, text)
        }),
      )
    }
    await expect
      .poll(async () => Number((await a.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`)).rows[0].n), { timeout: 20_000 })
      .toBe(0)

    expect(sends).toHaveLength(80)
    for (const [phone, texts] of expected) expect(sends.filter((s) => s.to === phone).map((s) => s.text)).toEqual(texts)
    // Both instances did part of the work (each sends what it wrote, and what it hears of the other's).
    expect(new Set(sends.map((s) => s.instance))).toEqual(new Set(['a', 'b']))
    const statuses = await a.pool.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM messages WHERE direction = 'out' GROUP BY status`,
    )
    expect(statuses.rows).toEqual([{ status: 'sent', n: 80 }])
  })

  it('shares the per-user pair limit: two instances together send no more than one would', async () => {
    const url = await database()
    const sends: Send[] = []
    // Three messages per user, then one an hour.
    const limits = { pairBurst: 3, pairRefillMs: 3_600_000 }
    const a = await instance(url, 'a', sends, limits)
    const b = await instance(url, 'b', sends, limits)
    const [user] = await seedUsers(a.pool, 1)
    await a.engine.start()
    await b.engine.start()
    for (let i = 0; i < 6; i++) await send(i % 2 === 0 ? a.engine : b.engine, user.conversationId, `update ${i}`)
    // Both instances were told by the shared limit to wait (each on its own would have sent 3).
    await expect.poll(() => a.told.waits > 0 && b.told.waits > 0, { timeout: 10_000 }).toBe(true)
    expect(sends.map((s) => s.text)).toEqual(['update 0', 'update 1', 'update 2'])
    const waiting = await a.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE state = 'ready'`)
    expect(waiting.rows[0].n).toBe(3)
  })

  it('a user on instance B sees what instance A wrote, within a second', async () => {
    const url = await database()
    const a = await instance(url, 'a', [])
    const b = await instance(url, 'b', [])
    const [user] = await seedUsers(a.pool, 1)
    await a.engine.start()
    await b.engine.start()
    const seen: { messages: Message[]; conversations: Conversation[]; contacts: string[] } = {
      messages: [],
      conversations: [],
      contacts: [],
    }
    b.engine.subscribe('priya', (event, payload) => {
      if (event === 'messages:changed') seen.messages.push(payload as Message)
      if (event === 'conversations:changed') seen.conversations.push(payload as Conversation)
      if (event === 'contacts:changed') seen.contacts.push((payload as { name: string }).name)
    })

    const sentAt = Date.now()
    await send(a.engine, user.conversationId, 'Written on A')
    await expect.poll(() => seen.messages.some((m) => m.text === 'Written on A' && m.status === 'sent'), { timeout: 5_000 }).toBe(true)
    expect(Date.now() - sentAt).toBeLessThan(1000)
    // The thread's view is built on B, for B's subscriber.
    expect(seen.conversations.at(-1)).toMatchObject({ id: user.conversationId })

    const created = await a.engine.dispatch({ userId: 'priya' }, 'contacts:create', { name: 'Made On A', phone: '+14155559999' })
    expect(created.ok).toBe(true)
    await expect.poll(() => seen.contacts, { timeout: 5_000 }).toContain('Made On A')
  })
})
