import { median } from '../stats'
import { benchUsers, onboard, startLive } from '../support/live'
import type { Scenario } from '../support/types'

/**
 * Outbox dispatch throughput against the in-process sandbox: N text messages to many users who
 * granted consent and have the window open. Messages are queued with the scheduler paused; the
 * clock runs from resume() until the sandbox has accepted all N (wamid returned).
 */
export const dispatchThroughput: Scenario = {
  id: 'dispatch',
  figures: ['dispatch_per_s'],
  async run(ctx) {
    const userCount = ctx.quick ? 20 : 100
    const messages = ctx.quick ? 400 : 1_500
    const runs = 3
    const limits = { messagesPerSecond: 1000, pairBurst: 1000 }
    const users = benchUsers(userCount, 100_000)
    const live = await startLive({ dataDir: ctx.freshDir('dispatch'), users, limits })
    try {
      const conversations = await onboard(live, users, true)
      const rates: number[] = []
      for (let run = 0; run < runs; run++) {
        live.engine.scheduler.pause()
        for (let i = 0; i < messages; i++) {
          const user = users[i % userCount]
          await live.call('messages:send', {
            conversationId: conversations.get(user.phone),
            text: `Run ${run + 1}, message ${i + 1}: your appointment is confirmed for tomorrow.`,
          })
        }
        const queued = (live.engine.db.prepare(`SELECT count(*) AS n FROM outbox WHERE state = 'ready'`).get() as { n: number }).n
        if (queued !== messages) throw new Error(`expected ${messages} ready messages, found ${queued}`)
        const accepted = new Promise<void>((resolve, reject) => {
          let count = 0
          const timer = setTimeout(() => reject(new Error(`only ${count} of ${messages} accepted within 120 s`)), 120_000)
          live.onSend = (record) => {
            if (record.kind !== 'text') return
            if (++count === messages) {
              clearTimeout(timer)
              live.onSend = undefined
              resolve()
            }
          }
        })
        const start = performance.now()
        live.engine.scheduler.resume()
        await accepted
        const seconds = (performance.now() - start) / 1000
        rates.push(messages / seconds)
        ctx.log(`  run ${run + 1}: ${Math.round(messages / seconds).toLocaleString('en-US')} messages/s`)
        await live.quiet()
      }
      return [
        {
          name: 'dispatch_per_s',
          value: median(rates),
          unit: 'messages/s',
          runs,
          note: `${messages.toLocaleString('en-US')} text messages to ${userCount} users per run, org limits messagesPerSecond=1000 (schema max), pairBurst=1000, scheduler default maxInFlight=16 (one send in flight per user lane); runs ${rates.map((r) => Math.round(r)).join(' / ')}`,
        },
      ]
    } finally {
      await live.close()
    }
  },
}
