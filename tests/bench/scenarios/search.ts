import { createEngine } from '../../../electron/core/engine'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { median, percentile } from '../stats'
import type { Scenario } from '../support/types'

/**
 * `search:messages` (FTS5, each word as a prefix, newest first, limited to the user's threads) over
 * the shared 1M-message database, as priya (participant of every conversation there). Query mix
 * by Zipf rank of the word: very common, common, mid, rare, very rare, plus two-word and
 * short-prefix queries.
 */
export const messageSearch: Scenario = {
  id: 'search',
  figures: ['search_ms_p50', 'search_ms_p95'],
  async run(ctx) {
    const big = await ctx.bigDb()
    const w = big.words
    const queries: Record<string, string[]> = {
      common: [w[0], w[3], w[10], w[25]],
      mid: [w[120], w[300], w[600]],
      rare: [w[1500], w[3000], w[5000]],
      'two words': [`${w[8]} ${w[40]}`, `${w[60]} ${w[900]}`],
      prefix: [w[700].slice(0, 3), w[2500].slice(0, 4)],
    }
    const reps = ctx.quick ? 5 : 10
    const engine = createEngine({ dataDir: big.dataDir, org: demoOrgPolicy() })
    try {
      const all: number[] = []
      const byKind: Record<string, number[]> = {}
      const hits: string[] = []
      for (const [kind, list] of Object.entries(queries)) {
        for (const query of list) {
          const warm = await engine.dispatch({ userId: 'priya' }, 'search:messages', { query })
          if (!warm.ok) throw new Error(`search ${query}: ${warm.error.message}`)
          hits.push(`"${query}" ${(warm.value as unknown[]).length}`)
          for (let i = 0; i < reps; i++) {
            const start = performance.now()
            const result = await engine.dispatch({ userId: 'priya' }, 'search:messages', { query })
            const ms = performance.now() - start
            if (!result.ok) throw new Error(result.error.message)
            all.push(ms)
            ;(byKind[kind] ??= []).push(ms)
          }
        }
      }
      const note = `${big.messages.toLocaleString('en-US')} messages, ${Object.values(queries).flat().length} queries × ${reps} (after a warm-up each), limit 50; p50 by kind: ${Object.entries(
        byKind,
      )
        .map(([k, v]) => `${k} ${median(v).toFixed(2)}`)
        .join(', ')} ms; hits: ${hits.join(', ')}`
      return [
        { name: 'search_ms_p50', value: median(all), unit: 'ms', runs: all.length, note },
        { name: 'search_ms_p95', value: percentile(all, 95), unit: 'ms', runs: all.length },
      ]
    } finally {
      await engine.close()
    }
  },
}
