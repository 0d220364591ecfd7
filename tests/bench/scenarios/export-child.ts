/**
 * Child process of the export scenario: `tsx export-child.ts <dataDir> <outDir> <messages>`. Exports the
 * data folder with exportDataDir (electron/core/compliance/export.ts); falls back to the bench
 * helper tests/bench/support/bench-export.ts. Modules are looked up at run time so this
 * file type-checks while that code is still being written.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { report } from '../support/child'

const [dataDir, outDir, count] = process.argv.slice(2)
if (!dataDir || !outDir || !count) throw new Error('usage: export-child.ts <dataDir> <outDir> <messages>')

type Fn = () => Promise<Record<string, unknown>>
const compliance = fileURLToPath(new URL('../../../electron/core/compliance/', import.meta.url))

async function findExporter(): Promise<{ via: string; fn: Fn } | undefined> {
  // exportDataDir exports a data folder as it is (the shared benchmark database); the bench helper
  // (which seeds its own history first) is the fallback.
  const exportPath = `${compliance}export.ts`
  if (existsSync(exportPath)) {
    const mod = (await import(pathToFileURL(exportPath).href)) as Record<string, unknown>
    const fn = mod.exportDataDir
    if (typeof fn === 'function') return { via: 'export.ts exportDataDir', fn: () => fn({ dataDir, outDir }) }
  }
  const benchPath = fileURLToPath(new URL('../support/bench-export.ts', import.meta.url))
  if (existsSync(benchPath)) {
    const mod = (await import(pathToFileURL(benchPath).href)) as Record<string, unknown>
    const fn = mod.benchExport
    if (typeof fn === 'function') return { via: 'bench-export.ts benchExport (own seeded history)', fn: () => fn(undefined, Number(count)) }
  }
  return undefined
}

const exporter = await findExporter()
if (!exporter) {
  report({ ok: false, reason: 'no export entry point (bench-export.ts benchExport or export.ts exportDataDir)' })
} else {
  // Linux carries ru_maxrss over fork+exec, so maxRSS starts at the parent's size: sample our own
  // RSS during the export as well, and trust maxRSS only if the export raised it.
  const maxRssBeforeMb = process.resourceUsage().maxRSS / 1024
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024
  let sampledMb = rssBeforeMb
  const sampler = setInterval(() => (sampledMb = Math.max(sampledMb, process.memoryUsage().rss / 1024 / 1024)), 20)
  const start = performance.now()
  try {
    const result = await exporter.fn()
    const ms = performance.now() - start
    clearInterval(sampler)
    sampledMb = Math.max(sampledMb, process.memoryUsage().rss / 1024 / 1024)
    const maxRssAfterMb = process.resourceUsage().maxRSS / 1024
    const peakRssMb = maxRssAfterMb > maxRssBeforeMb ? maxRssAfterMb : sampledMb
    const messages = Number(result.messages ?? 0)
    report({
      ok: true,
      via: exporter.via,
      ms,
      messages,
      files: result.files,
      bytes: result.bytes,
      rssBeforeMb,
      peakRssMb,
      sampledMb,
      maxRssAfterMb,
    })
  } catch (error) {
    clearInterval(sampler)
    report({ ok: false, reason: `${exporter.via} failed: ${error instanceof Error ? error.message : String(error)}` })
  }
}
