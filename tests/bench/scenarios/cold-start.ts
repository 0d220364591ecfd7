import { fileURLToPath } from 'node:url'
import { median } from '../stats'
import { runChild } from '../support/child'
import type { Scenario } from '../support/types'

const CHILD = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url))

interface ChildResult {
  importMs: number
  openMs: number
  firstQueryMs: number
  coldStartMs: number
  conversations: number
}

/**
 * Engine cold start on the shared 1M-message database, each run in a fresh Node process:
 * createEngine (open, WAL, migration check, org sync) + start() + the first `conversations:list`.
 * Module loading (tsx transpiling the engine) is reported apart; the OS page cache stays warm.
 */
export const coldStart: Scenario = {
  id: 'cold-start',
  figures: ['engine_cold_start_ms'],
  async run(ctx) {
    const big = await ctx.bigDb()
    const runs = 3
    const results: Array<ChildResult & { wallMs: number }> = []
    await runChild<ChildResult>(CHILD, [big.dataDir]) // warms tsx's transform cache, not measured
    for (let i = 0; i < runs; i++) {
      const result = await runChild<ChildResult>(CHILD, [big.dataDir])
      results.push(result)
      ctx.log(
        `  run ${i + 1}: open ${result.openMs.toFixed(1)} ms + first query ${result.firstQueryMs.toFixed(1)} ms (${result.conversations} conversations)`,
      )
    }
    const pick = (key: keyof ChildResult | 'wallMs') => median(results.map((r) => r[key]))
    return [
      {
        name: 'engine_cold_start_ms',
        value: pick('coldStartMs'),
        unit: 'ms',
        runs,
        note: `fresh process per run on ${big.messages.toLocaleString('en-US')} messages / ${big.conversations} conversations; createEngine+start ${pick('openMs').toFixed(1)} ms + conversations:list (priya, ${results[0].conversations} rows) ${pick('firstQueryMs').toFixed(1)} ms (medians); not included: module import via tsx ${pick('importMs').toFixed(0)} ms, process wall ${pick('wallMs').toFixed(0)} ms`,
      },
    ]
  },
}
