import { fileURLToPath } from 'node:url'
import { runChild } from '../support/child'
import type { Scenario } from '../support/types'

const CHILD = fileURLToPath(new URL('./export-child.ts', import.meta.url))

type ChildResult =
  | {
      ok: true
      via: string
      ms: number
      messages: number
      files?: number
      bytes?: number
      rssBeforeMb: number
      peakRssMb: number
      sampledMb: number
      maxRssAfterMb: number
    }
  | { ok: false; reason: string }

/**
 * Archive export of the shared 1M-message database in a child process (so peak RSS is the
 * export's own; see export-child.ts for why maxRSS alone is not enough). One run: it writes the
 * whole archive.
 */
export const archiveExport: Scenario = {
  id: 'export',
  figures: ['export_msgs_per_s', 'export_peak_rss_mb'],
  async run(ctx) {
    const big = await ctx.bigDb()
    const outDir = ctx.freshDir('export')
    const result = await runChild<ChildResult>(CHILD, [big.dataDir, outDir, String(big.messages)], { timeoutMs: 15 * 60_000 })
    if (!result.ok) return this.figures.map((name) => ({ name, missing: result.reason }))
    if (result.messages !== big.messages) {
      return this.figures.map((name) => ({
        name,
        missing: `export reported ${result.messages} messages, the database holds ${big.messages}`,
      }))
    }
    const rate = result.messages / (result.ms / 1000)
    return [
      {
        name: 'export_msgs_per_s',
        value: rate,
        unit: 'messages/s',
        runs: 1,
        note: `${result.messages.toLocaleString('en-US')} messages via ${result.via} in ${(result.ms / 1000).toFixed(1)} s${result.files !== undefined ? `, ${result.files} files` : ''}${typeof result.bytes === 'number' ? `, ${(result.bytes / 1024 / 1024).toFixed(0)} MB` : ''}; peak RSS of the export child (maxRSS if the export raised it, else RSS sampled every 20 ms: ${result.sampledMb.toFixed(0)} MB sampled, maxRSS ${result.maxRssAfterMb.toFixed(0)} MB); RSS before export ${result.rssBeforeMb.toFixed(0)} MB`,
      },
      { name: 'export_peak_rss_mb', value: result.peakRssMb, unit: 'MB', runs: 1 },
    ]
  },
}
