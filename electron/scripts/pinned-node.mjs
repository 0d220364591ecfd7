// The Node named in .nvmrc, which the tests, the hosts and CI run on (README "Node versions").
// A machine here reaches only the npm registry and apt, so when it has another Node the pinned
// one comes from the registry's `node-<os>-<arch>` package (the official build, headers
// included), cached per version under ~/.cache/greenline. Plain Node only: this runs before
// dependencies are installed, and on whatever Node the machine has.
// As a command it prints the directory of the pinned `node` (installing it when missing).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The version in .nvmrc, without a leading `v`: a full version or a major line. */
export const pinnedNode = readFileSync(join(root, '.nvmrc'), 'utf8').trim().replace(/^v/, '')

/** Whether `version` (default: the running Node) is the pinned one. */
export function isPinnedNode(version = process.versions.node) {
  return version === pinnedNode || version.startsWith(`${pinnedNode}.`)
}

/** The directory holding the pinned `node` binary, installed from the npm registry when missing. */
export function pinnedNodeBin() {
  if (isPinnedNode()) return dirname(process.execPath)
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform]
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch]
  if (!os || !arch) {
    throw new Error(`This is Node ${process.versions.node}; install Node ${pinnedNode} (.nvmrc) and run the command again.`)
  }
  const pkg = `node-${os}-${arch}`
  const prefix = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'greenline', `node-v${pinnedNode}`)
  const bin = join(prefix, 'node_modules', pkg, 'bin')
  if (!existsSync(join(bin, 'node'))) {
    console.error(`Installing Node ${pinnedNode} (.nvmrc) from the npm registry (${pkg})…`)
    // From `/`, so the repository's own .npmrc and package.json play no part in this install.
    // npm's report goes to stderr: as a command this script's stdout is the directory alone, which
    // .ci/node.sh puts on PATH (npm's "added 1 package" there once broke a first run on a bare machine).
    const install = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@${pinnedNode}`],
      { cwd: '/', stdio: ['ignore', process.stderr, 'inherit'] },
    )
    if (install.status !== 0 || !existsSync(join(bin, 'node'))) {
      throw new Error(`Could not install Node ${pinnedNode} from the npm registry; install it yourself (.nvmrc) and run the command again.`)
    }
  }
  return bin
}

/** Environment that runs `node`, `npm` and node-gyp on the Node in `bin` (its own headers, no download). */
export function pinnedNodeEnv(bin, env = process.env) {
  const home = dirname(bin)
  const headers = existsSync(join(home, 'include', 'node', 'node.h')) ? { npm_config_nodedir: home } : {}
  return { ...env, PATH: `${bin}:${env.PATH ?? ''}`, ...headers }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(pinnedNodeBin())
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
