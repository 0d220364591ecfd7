import { createEngine } from '../../../electron/core/engine'
import { demoOrgPolicy } from '../../../electron/launcher/demo-org'
import { median, percentile } from '../stats'
import { generateContactsDb } from '../support/db-gen'
import type { Scenario } from '../support/types'

/** What people type into the Contacts search box: substrings (trigram FTS), short prefixes, digits. */
const QUERIES: Record<string, string[]> = {
  substring: ['son', 'mar', 'ova', 'garc', 'dental', 'tech', 'lee', 'chen', 'ngozi', 'müller', 'muller', 'harbor log', 'xqz'],
  prefix: ['a', 'm', 'j', 'ma', 'ch', 'zo'],
  digits: ['415', '917 2', '6462', '+1 212 3', '(718) 45', '0012', '98'],
}

export const contactSearch: Scenario = {
  id: 'contact-search',
  figures: ['contact_search_ms_p50'],
  async run(ctx) {
    const count = ctx.quick ? 20_000 : 100_000
    const reps = ctx.quick ? 3 : 5
    const dataDir = ctx.freshDir('contacts')
    const { genMs } = generateContactsDb(dataDir, count)
    ctx.log(`  ${count.toLocaleString('en-US')} contacts generated in ${(genMs / 1000).toFixed(1)} s`)
    const engine = createEngine({ dataDir, org: demoOrgPolicy() })
    try {
      const byKind: Record<string, number[]> = {}
      const all: number[] = []
      const hits: Record<string, number> = {}
      for (const [kind, queries] of Object.entries(QUERIES)) {
        for (const query of queries) {
          const first = await engine.dispatch({ userId: 'priya' }, 'contacts:list', { query })
          if (!first.ok) throw new Error(`contacts:list ${query}: ${first.error.message}`)
          hits[query] = (first.value as unknown[]).length
          for (let i = 0; i < reps; i++) {
            const start = performance.now()
            const result = await engine.dispatch({ userId: 'priya' }, 'contacts:list', { query })
            const ms = performance.now() - start
            if (!result.ok) throw new Error(result.error.message)
            ;(byKind[kind] ??= []).push(ms)
            all.push(ms)
          }
        }
      }
      const perKind = Object.entries(byKind)
        .map(([kind, values]) => `${kind} p50 ${median(values).toFixed(2)} ms`)
        .join(', ')
      return [
        {
          name: 'contact_search_ms_p50',
          value: median(all),
          unit: 'ms',
          runs: all.length,
          note: `${count.toLocaleString('en-US')} contacts, contacts:list via dispatch, ${Object.values(QUERIES).flat().length} queries × ${reps} (after 1 warm-up each); ${perKind}; p95 ${percentile(all, 95).toFixed(2)} ms; result sizes (≤500): ${Object.entries(
            hits,
          )
            .map(([q, n]) => `"${q}" ${n}`)
            .join(', ')}`,
        },
      ]
    } finally {
      await engine.close()
    }
  },
}
