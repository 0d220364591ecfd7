import { percentile, median } from '../stats'
import { benchUsers, onboard, startLive, type Live, type SendRecord } from '../support/live'
import type { Scenario } from '../support/types'

const DAY = 24 * 3_600_000

/**
 * 1,000 held messages over several WhatsApp users, half awaiting consent (opt-in sent, no answer)
 * and half with consent but the 24-hour window closed (shared clock moved +25 h). Then, one user
 * at a time, the simulated user answers in the sandbox (tap "yes" / write a line); latency is from
 * the host handing that webhook to the engine to the engine's first held message to that user
 * being accepted by the sandbox's Graph API. Each user's lane drains before the next one answers,
 * so the figure is the release path with the remaining backlog still held, not the rate limiter.
 */
export const releaseLatency: Scenario = {
  id: 'release-latency',
  figures: ['release_latency_small_ms_p50', 'release_latency_small_ms_p95'],
  async run(ctx) {
    const userCount = ctx.quick ? 10 : 40
    const perUser = ctx.quick ? 20 : 25
    const users = benchUsers(userCount)
    const live = await startLive({ dataDir: ctx.freshDir('release'), users })
    try {
      const windowClosed = users.filter((_, i) => i % 2 === 1)
      const awaitingConsent = users.filter((_, i) => i % 2 === 0)
      const conversations = await onboard(live, windowClosed, true)
      live.clock.advance(DAY + 3_600_000)
      for (const [phone, id] of await onboard(live, awaitingConsent, false)) conversations.set(phone, id)
      for (let i = 0; i < perUser; i++) {
        for (const user of users)
          await live.call('messages:send', {
            conversationId: conversations.get(user.phone),
            text: `Update ${i + 1} for ${user.name}: your order is ready for pickup.`,
          })
      }
      await live.quiet()
      const held = (live.engine.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'held'`).get() as { n: number }).n
      if (held !== userCount * perUser) throw new Error(`expected ${userCount * perUser} held messages, found ${held}`)
      ctx.log(`  ${held} held messages over ${userCount} users; releasing one user at a time`)
      const latencies: number[] = []
      const byReason: Record<string, number[]> = { awaiting_consent: [], awaiting_reply: [] }
      for (let i = 0; i < userCount; i++) {
        const user = users[i]
        const consent = i % 2 === 0
        const ms = await releaseOne(live, user.phone, consent)
        latencies.push(ms)
        byReason[consent ? 'awaiting_consent' : 'awaiting_reply'].push(ms)
        await live.quiet()
      }
      const leftHeld = (live.engine.db.prepare(`SELECT count(*) AS n FROM outbox`).get() as { n: number }).n
      if (leftHeld !== 0) throw new Error(`${leftHeld} messages still in the outbox after every user answered`)
      const note = `${userCount * perUser} held (${userCount} users × ${perUser}; half awaiting consent, half window closed), real sandbox in-process, default org limits (80 msg/s); per-reason p50: consent ${median(byReason.awaiting_consent).toFixed(1)} ms, window ${median(byReason.awaiting_reply).toFixed(1)} ms; max ${Math.max(...latencies).toFixed(1)} ms`
      return [
        { name: 'release_latency_small_ms_p50', value: median(latencies), unit: 'ms', runs: latencies.length, note },
        { name: 'release_latency_small_ms_p95', value: percentile(latencies, 95), unit: 'ms', runs: latencies.length },
      ]
    } finally {
      await live.close()
    }
  },
}

function releaseOne(live: Live, phone: string, consent: boolean): Promise<number> {
  const digits = phone.replace(/\D/g, '')
  return new Promise<number>((resolve, reject) => {
    let receivedAt: number | undefined
    const timer = setTimeout(() => done(new Error(`no message released to ${phone} within 30 s`)), 30_000)
    const done = (error?: Error, ms?: number) => {
      clearTimeout(timer)
      live.onWebhook = undefined
      live.onSend = undefined
      if (error) reject(error)
      else resolve(ms!)
    }
    live.onWebhook = (body, at) => {
      if (receivedAt === undefined && body.includes('"messages":[') && body.includes(digits)) receivedAt = at
    }
    live.onSend = (record: SendRecord) => {
      if (receivedAt !== undefined && record.kind === 'text' && record.to === phone) done(undefined, record.at - receivedAt)
    }
    live.sandbox.userWrites(phone, consent ? { buttonPayload: 'CONSENT_YES' } : { text: 'Hi, any news on my order?' })
  })
}
