import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { makeTestPhoto } from '../support/bench-images'
import { median } from '../stats'
import { benchUsers, onboard, startLive } from '../support/live'
import type { Scenario } from '../support/types'

const MESSAGES = 100

/** A 12 MP HEIC as an iPhone writes it: the bench photo encoded by heif-enc (libheif-examples). */
async function makeHeic(dir: string): Promise<Buffer> {
  writeFileSync(join(dir, 'photo.jpg'), await makeTestPhoto({ megapixels: 12 }))
  execFileSync('heif-enc', ['-q', '80', '-o', join(dir, 'photo.heic'), join(dir, 'photo.jpg')], { stdio: 'ignore' })
  return readFileSync(join(dir, 'photo.heic'))
}

/**
 * The engine's event loop while a user picks a 12 MP HEIC (media:upload: decode, orient, encode,
 * thumbnail) and, at the same time, 100 texts are sent to 10 users (messages:send, then the outbox
 * hands each to the sandbox). monitorEventLoopDelay (1 ms resolution) records every stall of this
 * process from the first request until the picture is ready and all 100 sends were accepted. The
 * sandbox and the HTTP client run in the same process, so their work counts against the figure too.
 */
export const eventLoop: Scenario = {
  id: 'event-loop',
  figures: ['event_loop_block_ms_max'],
  async run(ctx) {
    const runs = 3
    const heic = await makeHeic(ctx.freshDir('heic'))
    ctx.log(`  test picture: ${(heic.byteLength / 1024 / 1024).toFixed(1)} MB HEIC, 12 MP`)
    const users = benchUsers(10, 200_000)
    const live = await startLive({ dataDir: ctx.freshDir('event-loop'), users, limits: { messagesPerSecond: 1000, pairBurst: 1000 } })
    const blocks: number[] = []
    try {
      const conversations = [...(await onboard(live, users, true)).values()]
      for (let run = 0; run < runs; run++) {
        let accepted = 0
        const allSent = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${accepted} of ${MESSAGES} sends accepted within 120 s`)), 120_000)
          live.onSend = (record) => {
            if (record.kind === 'text' && ++accepted === MESSAGES) {
              clearTimeout(timer)
              resolve()
            }
          }
        })
        const histogram = monitorEventLoopDelay({ resolution: 1 })
        histogram.enable()
        const start = performance.now()
        const picture = live.call<{ width: number }>('media:upload', { bytes: new Uint8Array(heic) })
        for (let i = 0; i < MESSAGES; i++) {
          await live.call('messages:send', {
            conversationId: conversations[i % conversations.length],
            text: `Run ${run + 1}, message ${i + 1}: your order has shipped.`,
          })
        }
        const [prepared] = await Promise.all([picture, allSent])
        histogram.disable()
        live.onSend = undefined
        // The histogram counts delay beyond the 1 ms sampling interval, in nanoseconds.
        const block = histogram.max / 1e6
        blocks.push(block)
        ctx.log(
          `  run ${run + 1}: longest stall ${block.toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms over ${((performance.now() - start) / 1000).toFixed(1)} s (picture ${prepared.width} px wide)`,
        )
        await live.quiet()
      }
      return [
        {
          name: 'event_loop_block_ms_max',
          value: median(blocks),
          unit: 'ms',
          runs,
          note: `12 MP HEIC (${(heic.byteLength / 1024 / 1024).toFixed(1)} MB) through media:upload while ${MESSAGES} texts go to 10 users through the sandbox, all in one process; monitorEventLoopDelay max, median of ${runs} runs (${blocks.map((b) => b.toFixed(1)).join(' / ')} ms)`,
        },
      ]
    } finally {
      await live.close()
    }
  },
}
