// Set-up steps shared by `npm start`, `npm run web` and `npm test`. Plain Node only: these run
// before dependencies are installed.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPinnedNode, pinnedNode, pinnedNodeBin, pinnedNodeEnv } from './pinned-node.mjs'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const stamp = join(root, 'node_modules', '.greenline-lock-hash')

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  return result.status ?? 1
}

/**
 * Started on another Node than .nvmrc's (say the machine's Node 20): runs this same command again
 * on the pinned Node, installing it first, and exits with its status.
 */
export function ensurePinnedNode() {
  if (isPinnedNode()) return
  if (process.env.GREENLINE_PINNED_NODE) {
    console.error(`Expected Node ${pinnedNode} (.nvmrc) here, found ${process.versions.node}.`)
    process.exit(1)
  }
  let bin
  try {
    bin = pinnedNodeBin()
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
  console.log(`This is Node ${process.versions.node}; Greenline runs on Node ${pinnedNode} (.nvmrc), so it continues on that one.`)
  const env = { ...pinnedNodeEnv(bin), GREENLINE_PINNED_NODE: '1' }
  const again = spawnSync(join(bin, 'node'), process.argv.slice(1), { stdio: 'inherit', env })
  process.exit(again.status ?? 1)
}

/**
 * On the pinned Node, `npm ci` when node_modules is missing or was installed from another
 * package-lock.json or for another Node (native modules are built per Node ABI).
 */
export function ensureDependencies() {
  ensurePinnedNode()
  const lock = readFileSync(join(root, 'package-lock.json'))
  const hash = createHash('sha256').update(lock).update(`abi ${process.versions.modules}`).digest('hex')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return
  // Installed by a plain `npm ci`/`npm install` after the lock file last changed (CI does this).
  const hidden = join(root, 'node_modules', '.package-lock.json')
  if (!existsSync(stamp) && existsSync(hidden) && statSync(hidden).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs) {
    writeFileSync(stamp, hash)
    return
  }
  console.log('Installing dependencies (npm ci)…')
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('npm ci failed; see the messages above.')
    process.exit(1)
  }
  writeFileSync(stamp, hash)
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** `electron-vite build` when out/ is missing or older than the sources. */
export function ensureBuilt({ force = false } = {}) {
  const marker = join(root, 'out', 'main', 'host.js')
  const sources = Math.max(
    newestMtime(join(root, 'electron')),
    newestMtime(join(root, 'src')),
    statSync(join(root, 'electron.vite.config.ts')).mtimeMs,
  )
  if (!force && existsSync(marker) && existsSync(join(root, 'out', 'renderer', 'index.html')) && statSync(marker).mtimeMs >= sources) return
  console.log('Building (electron-vite build)…')
  if (run('npx', ['electron-vite', 'build']) !== 0) {
    console.error('The build failed; see the messages above.')
    process.exit(1)
  }
}

/**
 * The Electron runtime, if installed, found without loading the `electron` package (which would
 * try to download it).
 */
export function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron')
    return existsSync(candidate) ? candidate : undefined
  }
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : undefined
}

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium']

const hasCommand = (name) => spawnSync('which', [name]).status === 0

/**
 * What the tests need beyond npm: a Chromium for the end-to-end tests (Debian's package where apt
 * is available, else Playwright's own download where the network allows) and heif-enc to make HEIC
 * test pictures. Returns Chromium's path ('' for Playwright's own), or undefined with a message.
 */
export function ensureTestTools() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const missing = []
  if (!CHROMIUM_PATHS.some((p) => existsSync(p)) && !process.env.GREENLINE_CHROMIUM)
    missing.push('chromium', 'fonts-liberation', 'fonts-noto-color-emoji')
  if (!hasCommand('heif-enc')) missing.push('libheif-examples')
  // The PostgreSQL tests start their own throwaway cluster from Debian's server binaries.
  const hasPostgres = () =>
    existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')))
  if (!hasPostgres() && !process.env.GREENLINE_PG_BINDIR) missing.push('postgresql')
  if (missing.length && isRoot && hasCommand('apt-get')) {
    console.log(`Installing test tools (apt-get install ${missing.join(' ')})…`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    run('apt-get', ['update'], { env })
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env })
  }
  if (!hasCommand('heif-enc')) console.error('heif-enc is missing (Debian: apt-get install libheif-examples); the HEIC test will fail.')
  if (!hasPostgres() && !process.env.GREENLINE_PG_BINDIR)
    console.error('PostgreSQL is missing (Debian: apt-get install postgresql, or set GREENLINE_PG_BINDIR); the PostgreSQL tests will fail.')
  if (process.env.GREENLINE_CHROMIUM && existsSync(process.env.GREENLINE_CHROMIUM)) return process.env.GREENLINE_CHROMIUM
  const found = CHROMIUM_PATHS.find((p) => existsSync(p))
  if (found) return found
  console.log("Trying Playwright's own Chromium download (npx playwright install chromium)…")
  if (run('npx', ['playwright', 'install', 'chromium']) === 0) return ''
  console.error(
    'No Chromium for the end-to-end tests. Install one (Debian/Ubuntu: sudo apt-get install chromium) or set GREENLINE_CHROMIUM to a Chromium executable.',
  )
  return undefined
}
