/**
 * `npm run bench [-- --quick] [-- --only name1,name2]`: runs the benchmark scenarios, prints a
 * table and writes bench-results.json at the repo root. Figures are medians over repeated runs
 * (or percentiles over samples for latencies); each scenario works in its own temp directory.
 */
import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { REPO_ROOT } from './support/child'
import { generateMessagesDb } from './support/db-gen'
import { isMissing, type BenchContext, type BigDb, type Figure, type Missing, type Outcome, type Scenario } from './support/types'
import { round } from './stats'
import { GOALS, goalText, goalVerdict } from './support/goals'
import { sqliteInsert } from './scenarios/sqlite-insert'
import { contactSearch } from './scenarios/contact-search'
import { coldStart } from './scenarios/cold-start'
import { webhookIngest } from './scenarios/webhook-ingest'
import { releaseLatency } from './scenarios/release-latency'
import { scheduler } from './scenarios/scheduler'
import { dispatchThroughput } from './scenarios/dispatch'
import { messageSearch } from './scenarios/search'
import { conversationList } from './scenarios/conversation-list'
import { threadOpen } from './scenarios/thread-open'
import { conversationListUi } from './scenarios/conversation-list-ui'
import { photo } from './scenarios/photo'
import { eventLoop } from './scenarios/event-loop'
import { archiveExport } from './scenarios/export'
import { teamClientColdStart } from './scenarios/team-client-cold-start'
import { storeOverhead } from './scenarios/store-overhead'
import { postgres } from './scenarios/postgres'

const SCENARIOS: Scenario[] = [
  sqliteInsert,
  contactSearch,
  coldStart,
  webhookIngest,
  releaseLatency,
  scheduler,
  dispatchThroughput,
  messageSearch,
  conversationList,
  conversationListUi,
  threadOpen,
  photo,
  eventLoop,
  archiveExport,
  teamClientColdStart,
  storeOverhead,
  postgres,
]

function parseArgs(argv: string[]): { quick: boolean; only?: Set<string> } {
  let quick = false
  let only: Set<string> | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') quick = true
    else if (arg === '--only')
      only = new Set(
        argv[++i]
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    else if (arg.startsWith('--only='))
      only = new Set(
        arg
          .slice(7)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    else if (arg === '--help' || arg === '-h') {
      console.log(
        `usage: npm run bench -- [--quick] [--only name1,name2]\n  names: scenario ids or figure names:\n${SCENARIOS.map((s) => `    ${s.id}: ${s.figures.join(', ')}`).join('\n')}`,
      )
      process.exit(0)
    } else throw new Error(`Unknown option ${arg} (try --help)`)
  }
  return { quick, only }
}

function selectScenarios(only: Set<string> | undefined): Scenario[] {
  if (!only) return SCENARIOS
  const known = new Set(SCENARIOS.flatMap((s) => [s.id, ...s.figures]))
  for (const name of only) if (!known.has(name)) throw new Error(`--only: unknown name ${name} (try --help)`)
  const chosen = new Set(SCENARIOS.filter((s) => only.has(s.id) || s.figures.some((f) => only.has(f))))
  for (const scenario of [...chosen]) {
    for (const need of scenario.needs ?? []) {
      const provider = SCENARIOS.find((s) => s.figures.includes(need))
      if (provider) chosen.add(provider)
    }
  }
  return SCENARIOS.filter((s) => chosen.has(s))
}

function machine(): Record<string, unknown> {
  const db = new Database(':memory:')
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  db.close()
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? 'unknown',
    memGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    sqlite,
  }
}

function formatValue(value: number): string {
  return round(value).toLocaleString('en-US', { maximumFractionDigits: 3 })
}

function printTable(outcomes: Outcome[], partial: boolean): void {
  const rows = outcomes.map((o) =>
    isMissing(o)
      ? [o.name, 'n/a', '', '', goalText(o.name), '', `not measured: ${o.missing}`]
      : [
          o.name,
          formatValue(o.value),
          o.unit,
          String(o.runs),
          goalText(o.name),
          goalVerdict(o.name, o.value),
          o.ratio ? `${formatValue(o.ratio.value)}× ${o.ratio.of}` : '',
        ],
  )
  const header = ['figure', 'value', 'unit', 'runs', 'goal', '', 'baseline ratio']
  const last = header.length - 1
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === last ? 0 : r[i].length))))
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : i === last ? c : c.padEnd(widths[i]))).join('  ')
  console.log()
  console.log(line(header))
  console.log(widths.map((w, i) => '-'.repeat(i === last ? 14 : w)).join('  '))
  for (const row of rows) console.log(line(row))
  const named = new Set(outcomes.map((o) => o.name))
  const unmeasured = Object.keys(GOALS).filter((name) => !named.has(name))
  if (unmeasured.length && !partial) console.log(`\ngoals without a figure in this run: ${unmeasured.join(', ')}`)
  const notes = outcomes.filter((o): o is Figure => !isMissing(o) && !!o.note)
  if (notes.length) {
    console.log('\nnotes:')
    for (const f of notes) console.log(`  ${f.name}: ${f.note}`)
  }
}

const RESULTS = join(REPO_ROOT, 'bench-results.json')

interface ResultsFile {
  machine: Record<string, unknown>
  mode?: string
  figures: Array<{ name: string; value: number; unit: string; runs: number }>
  missing: Missing[]
  notes: Record<string, string | undefined>
}

/** A partial run (--only) updates its figures in an existing file of the same mode instead of wiping the rest. */
function mergeWithPrevious(partial: boolean, quick: boolean, next: ResultsFile): ResultsFile {
  if (!partial || !existsSync(RESULTS)) return next
  let previous: ResultsFile
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8')) as ResultsFile
  } catch {
    return next
  }
  if ((previous.mode === 'quick') !== quick || !Array.isArray(previous.figures)) return next
  const replaced = new Set([...next.figures.map((f) => f.name), ...next.missing.map((m) => m.name)])
  const order = [...previous.figures.map((f) => f.name), ...next.figures.map((f) => f.name)]
  const figures = [...previous.figures.filter((f) => !replaced.has(f.name)), ...next.figures].sort(
    (a, b) => order.indexOf(a.name) - order.indexOf(b.name),
  )
  return {
    ...next,
    figures,
    missing: [...(previous.missing ?? []).filter((m) => !replaced.has(m.name)), ...next.missing],
    notes: { ...Object.fromEntries(Object.entries(previous.notes ?? {}).filter(([k]) => !replaced.has(k))), ...next.notes },
  }
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2))
  const scenarios = selectScenarios(only)
  const root = mkdtempSync(join(os.tmpdir(), 'greenline-bench-'))
  const figures = new Map<string, Figure>()
  const outcomes: Outcome[] = []
  const log = (line: string) => console.log(line)
  let big: Promise<BigDb> | undefined
  let dirs: string[] = []
  const ctx: BenchContext = {
    quick,
    log,
    figure: (name) => figures.get(name),
    freshDir(label) {
      const dir = mkdtempSync(join(root, `${label}-`))
      dirs.push(dir)
      return dir
    },
    bigDb() {
      big ??= (async () => {
        const messages = quick ? 100_000 : 1_000_000
        const conversations = 1_000
        const dataDir = mkdtempSync(join(root, 'big-db-'))
        log(`  building the shared ${messages.toLocaleString('en-US')}-message database (${conversations} conversations)…`)
        const info = generateMessagesDb(dataDir, { conversations, messages, log })
        log(`  built in ${(info.genMs / 1000).toFixed(1)} s + FTS index ${(info.ftsMs / 1000).toFixed(1)} s`)
        return { dataDir, messages, conversations, conversationIds: info.conversationIds, words: info.words }
      })()
      return big
    },
  }
  const cleanup = () => rmSync(root, { recursive: true, force: true })
  process.once('SIGINT', () => {
    cleanup()
    process.exit(130)
  })
  const started = performance.now()
  console.log(
    `Greenline bench${quick ? ' (--quick: smaller sizes, figures not comparable)' : ''}: ${scenarios.map((s) => s.id).join(', ')}`,
  )
  try {
    for (const scenario of scenarios) {
      const t0 = performance.now()
      console.log(`\n▶ ${scenario.id}`)
      let results: Outcome[]
      try {
        results = await scenario.run(ctx)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        console.log(`  failed: ${error instanceof Error ? (error.stack ?? message) : message}`)
        results = scenario.figures.map((name): Missing => ({ name, missing: `scenario failed: ${message.split('\n')[0].slice(0, 200)}` }))
      }
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
      dirs = []
      for (const result of results) {
        if (!isMissing(result)) {
          result.value = round(result.value)
          if (result.ratio) result.ratio.value = round(result.ratio.value)
          figures.set(result.name, result)
        }
        console.log(
          isMissing(result)
            ? `  ${result.name}: not measured (${result.missing})`
            : `  ${result.name} = ${formatValue(result.value)} ${result.unit} (runs ${result.runs})`,
        )
        outcomes.push(result)
      }
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    }
  } finally {
    cleanup()
  }
  printTable(outcomes, only !== undefined)
  const json = mergeWithPrevious(only !== undefined, quick, {
    machine: machine(),
    ...(quick ? { mode: 'quick' } : {}),
    figures: [...figures.values()].map(({ name, value, unit, runs }) => ({ name, value, unit, runs })),
    missing: outcomes.filter(isMissing),
    notes: Object.fromEntries([...figures.values()].filter((f) => f.note).map((f) => [f.name, f.note])),
  })
  writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`)
  console.log(
    `\nwrote bench-results.json (${json.figures.length} figures${only ? ', merged with the previous file' : ''}, ${json.missing.length} not measured) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
