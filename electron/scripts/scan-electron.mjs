#!/usr/bin/env node
// `npm run scan:electron`: the Electron security scan. Runs electronegativity (fetched on demand
// with npx; it is not a dependency: it pulls ~300 packages) over the repository, then compares
// every finding with electron/scripts/electronegativity-explained.json. Ends with the line
// `findings=<n> unexplained=<n>` and exits 1 when a finding is not explained (2 when the
// scanner could not run).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCANNER = '@doyensec/electronegativity@1.10.3'
const ELECTRON_VERSION = '45.5.0'
const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const allowlistFile = join(here, 'electronegativity-explained.json')
const offlineShim = join(here, 'electronegativity-offline.cjs')

/**
 * RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. A quote inside an
 * unquoted field is taken literally (the scanner writes code samples unescaped).
 */
export function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      if (row.some((f) => f.trim() !== '')) rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    if (row.some((f) => f.trim() !== '')) rows.push(row)
  }
  return rows
}

/** Findings as objects keyed by the CSV header (issue, severity, confidence, filename, location, sample, description). */
export function readFindings(csv) {
  const [header, ...rows] = parseCsv(csv)
  if (!header) return []
  const keys = header.map((h) => h.trim().toLowerCase())
  return rows.map((cells) => Object.fromEntries(keys.map((key, i) => [key, (cells[i] ?? '').trim()])))
}

/** `*` matches any run of characters except `/` (build output names carry content hashes). */
export function fileMatches(pattern, file) {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*')
  return new RegExp(`^${source}$`).test(file.replace(/\\/g, '/'))
}

/** A row the scanner wrote whole: a check name and a file. */
export function isWellFormed(finding) {
  return /^[A-Z_]+_CHECK$/.test(finding.issue ?? '') && Boolean(finding.filename) && /^\d+:\d+$/.test(finding.location ?? '')
}

export function explain(findings, explanations) {
  const used = new Set()
  const results = findings.map((finding) => {
    const index = explanations.findIndex((e) => e.check === finding.issue && fileMatches(e.file, finding.filename))
    if (index >= 0) used.add(index)
    return { finding, explanation: index >= 0 ? explanations[index] : undefined }
  })
  const unused = explanations.filter((_, i) => !used.has(i))
  return { results, unused }
}

function runScanner(csvPath) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
  console.log(`Running ${SCANNER} on ${root} (Electron ${ELECTRON_VERSION}); its ~10 s network time-outs are expected offline.`)
  const run = spawnSync(npx, ['--yes', SCANNER, '-i', root, '-e', ELECTRON_VERSION, '-o', csvPath, '-r'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
    // got 11 inside the scanner throws late, uncaught, when offline on Node 22+ (see the file).
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(offlineShim)}`.trim() },
  })
  return run
}

function main() {
  const explanations = JSON.parse(readFileSync(allowlistFile, 'utf8')).explained ?? []
  const tmp = mkdtempSync(join(tmpdir(), 'greenline-scan-'))
  const csvPath = join(tmp, 'report.csv')
  try {
    let findings
    // The scanner now and then writes a garbled report (rows cut into each other): scan again.
    for (let attempt = 1; attempt <= 3 && !findings; attempt++) {
      const run = runScanner(csvPath)
      if (run.error || !existsSync(csvPath)) {
        const reason = run.error ? run.error.message : `exit code ${run.status}`
        console.error(`The Electron security scan could not run: npx could not fetch or start ${SCANNER} (${reason}).`)
        const tail = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')
        if (tail) console.error(tail)
        console.error('Check access to the npm registry, then run `npm run scan:electron` again.')
        return 2
      }
      const read = readFindings(readFileSync(csvPath, 'utf8'))
      if (read.every(isWellFormed)) findings = read
      else console.log(`The scanner's report was garbled (attempt ${attempt}); scanning again.`)
    }
    if (!findings) {
      console.error('The Electron security scan kept writing garbled reports.')
      return 2
    }
    const { results, unused } = explain(findings, explanations)
    for (const { finding, explanation } of results) {
      const where = `${finding.filename}:${finding.location}`
      if (explanation) console.log(`explained    ${finding.issue} ${finding.severity} ${where} — ${explanation.reason}`)
      else
        console.log(
          `UNEXPLAINED  ${finding.issue} ${finding.severity}/${finding.confidence} ${where} — ${finding.description}: ${finding.sample}`,
        )
    }
    for (const entry of unused) console.log(`(no finding for the explanation ${entry.check} ${entry.file})`)
    const unexplained = results.filter((r) => !r.explanation).length
    if (unexplained > 0)
      console.log('Fix each UNEXPLAINED finding, or explain it in electron/scripts/electronegativity-explained.json and README.')
    console.log(`findings=${findings.length} unexplained=${unexplained}`)
    return unexplained > 0 ? 1 : 0
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main()
