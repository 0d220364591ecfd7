// `npm test`: everything CI checks, after installing what is missing. Ends with one plain line
// `N passed, N failed` (all suites), since CI reads neither Vitest's nor Playwright's summary.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ensureDependencies, ensureTestTools, root, run } from './ensure.mjs'

ensureDependencies()
const chromium = ensureTestTools()
const reports = join(root, 'reports')
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

let passed = 0
let failed = 0
const failures = []

function check(name, command, args, env = {}) {
  console.log(`\n── ${name} ──`)
  const ok = run(command, args, { env: { ...process.env, ...env } }) === 0
  if (ok) passed++
  else {
    failed++
    failures.push(name)
  }
  return ok
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch {
    return undefined
  }
}

// One type check per runtime, so the engine cannot use the DOM nor the renderer Node.
check('type check (engine, hosts, main, preload: Node, no DOM)', 'npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.node.json'])
check('type check (renderer: DOM, no Node)', 'npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.web.json'])
check('type check (tests)', 'npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.json'])
check('lint (ESLint, Prettier, layer rule)', 'npm', ['run', '--silent', 'lint'])
check('translations (every key in every language, none unused)', 'npm', ['run', '--silent', 'i18n:check'])
const built = check('build', 'npx', ['electron-vite', 'build'])

console.log('\n── unit and integration tests (vitest) ──')
const vitestJson = join(reports, 'vitest.json')
run('npx', [
  'vitest',
  'run',
  '--config',
  'tests/vitest.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
])
const vitest = readJson(vitestJson)
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests + (vitest.numTotalTestSuites && vitest.success === false && vitest.numFailedTests === 0 ? 1 : 0)
  if (!vitest.success) failures.push('vitest')
} else {
  failed++
  failures.push('vitest (no report)')
}

console.log('\n── end-to-end tests (Playwright, Chromium) ──')
if (chromium === undefined || !built) {
  failed++
  failures.push(chromium === undefined ? 'end-to-end: no Chromium' : 'end-to-end: build failed')
} else {
  const playwrightJson = join(reports, 'playwright.json')
  run('npx', ['playwright', 'test', '--config', 'tests/playwright.config.ts', '--reporter=list,json'], {
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson, ...(chromium ? { GREENLINE_CHROMIUM: chromium } : {}) },
  })
  const playwright = readJson(playwrightJson)
  if (playwright?.stats) {
    passed += playwright.stats.expected
    failed += playwright.stats.unexpected + playwright.stats.flaky
    if (playwright.stats.unexpected + playwright.stats.flaky > 0 || (playwright.errors ?? []).length > 0) failures.push('playwright')
    if ((playwright.errors ?? []).length > 0 && playwright.stats.unexpected === 0) failed++
  } else {
    failed++
    failures.push('playwright (no report)')
  }
}

if (existsSync(join(root, 'electron', 'scripts', 'scan-electron.mjs')))
  check('Electron security scan', 'node', ['electron/scripts/scan-electron.mjs'])

if (failures.length) console.log(`\nFailed: ${failures.join(', ')}`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
