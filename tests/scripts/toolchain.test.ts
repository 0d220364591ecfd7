import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packagingNodeProblem } from '../../electron/scripts/release-config.mjs'

// Which Node runs what (README "Node versions"): the tests and the hosts on the Node in .nvmrc,
// the packaged app on Electron's own Node 24, packaging on Node >= 22.12.
const root = process.cwd()
const require = createRequire(join(root, 'package.json'))
const semver = require('semver') as { satisfies(version: string, range: string): boolean; validRange(range: string): string | null }
const yaml = require('js-yaml') as { load(text: string): any }
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const nvmrc = readFileSync(join(root, '.nvmrc'), 'utf8').trim()

describe('the Node versions @toolchain', () => {
  it('engines.node admits the pinned Node, the one running these tests and Electron 45’s Node 24, and nothing older', () => {
    const range = pkg.engines.node as string
    expect(semver.validRange(range)).not.toBeNull()
    expect(nvmrc).toMatch(/^\d+(\.\d+){0,2}$/)
    for (const version of [`${nvmrc}.99.0`.split('.').slice(0, 3).join('.'), process.versions.node, '24.22.3']) {
      expect(semver.satisfies(version, range), version).toBe(true)
    }
    // Older than what Electron's tools and the server's cookie parser declare.
    for (const version of ['18.20.4', '20.20.2', '22.11.0']) expect(semver.satisfies(version, range), version).toBe(false)
    // The lock file records the same range (npm ci compares them).
    expect(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages[''].engines).toEqual(pkg.engines)
  })

  it('types Node as the pinned Node, so the engine never uses an API its tests cannot run', () => {
    const typesMajor = (pkg.devDependencies['@types/node'] as string).split('.')[0]
    expect(typesMajor).toBe(nvmrc.split('.')[0])
  })

  it('refuses to package on a Node older than 22.12 with a clear reason', () => {
    expect(packagingNodeProblem('v20.20.2')).toContain('packaging needs Node >= 22.12')
    expect(packagingNodeProblem('v20.20.2')).toContain('this is Node v20.20.2')
    expect(packagingNodeProblem('v22.11.0')).toContain('Node 24')
    expect(packagingNodeProblem('v22.12.0')).toBeUndefined()
    expect(packagingNodeProblem('v24.22.3')).toBeUndefined()
    expect(packagingNodeProblem('v26.1.0')).toBeUndefined()
  })

  it('packages in the release workflow on a Node that can package', () => {
    const workflow = yaml.load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8'))
    for (const job of ['package', 'publish']) {
      const setup = workflow.jobs[job].steps.find((step: { uses?: string }) => step.uses?.startsWith('actions/setup-node'))
      expect(packagingNodeProblem(`v${setup.with['node-version']}.0.0`), job).toBeUndefined()
    }
  })

  /** A folder with `.ci/` and the pinned-Node script beside an `.nvmrc` naming `version`. */
  function ciCopy(version: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-ci-'))
    cpSync(join(root, '.ci'), join(dir, '.ci'), { recursive: true })
    mkdirSync(join(dir, 'electron/scripts'), { recursive: true })
    cpSync(join(root, 'electron/scripts/pinned-node.mjs'), join(dir, 'electron/scripts/pinned-node.mjs'))
    writeFileSync(join(dir, '.nvmrc'), `${version}\n`)
    return dir
  }

  it('.ci/run puts the Node of .nvmrc first on PATH, with its headers for native modules', () => {
    // Already running the pinned Node: nothing is installed.
    const dir = ciCopy(process.versions.node)
    try {
      const out = execFileSync('bash', ['-c', 'source .ci/node.sh'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      expect(out).toContain(`Node v${process.versions.node} from ${process.execPath}`)
      expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/\. \.ci\/node\.sh[\s\S]*npm ci/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('.ci/run on a bare machine installs the pinned Node and puts it, not npm’s report, on PATH', () => {
    const dir = ciCopy('99.1.0')
    try {
      // A stand-in npm that installs like the registry's node-<os>-<arch> and reports on stdout as npm does.
      mkdirSync(join(dir, 'tools'))
      const installed = `$prefix/node_modules/node-${process.platform}-${process.arch}/bin`
      writeFileSync(
        join(dir, 'tools/npm'),
        `#!/bin/sh\nwhile [ "$1" != --prefix ]; do shift; done\nprefix="$2"\nmkdir -p "${installed}"\n` +
          `printf '#!/bin/sh\\necho v99.1.0\\n' > "${installed}/node"\nchmod +x "${installed}/node"\necho "added 1 package in 1s"\n`,
        { mode: 0o755 },
      )
      const out = execFileSync('bash', ['-c', 'source .ci/node.sh'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PATH: `${join(dir, 'tools')}:${process.env.PATH}`, XDG_CACHE_HOME: join(dir, 'cache') },
      })
      const bin = join(dir, 'cache/greenline/node-v99.1.0/node_modules', `node-${process.platform}-${process.arch}`, 'bin')
      expect(out).toContain(`Node v99.1.0 from ${join(bin, 'node')}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('npm test, start, web and server started on another Node continue on the pinned one, with its headers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-node-'))
    try {
      mkdirSync(join(dir, 'electron/scripts'), { recursive: true })
      for (const file of ['ensure.mjs', 'pinned-node.mjs'])
        cpSync(join(root, 'electron/scripts', file), join(dir, 'electron/scripts', file))
      writeFileSync(join(dir, '.nvmrc'), '99.1.0\n')
      // The pinned Node as the cache holds it after a first install: here a stand-in that says how it was started.
      const home = join(dir, 'cache/greenline/node-v99.1.0/node_modules', `node-${process.platform}-${process.arch}`)
      mkdirSync(join(home, 'bin'), { recursive: true })
      mkdirSync(join(home, 'include/node'), { recursive: true })
      writeFileSync(join(home, 'include/node/node.h'), '')
      writeFileSync(join(home, 'bin/node'), '#!/bin/sh\necho "pinned node ran $1 nodedir=$npm_config_nodedir"\n', { mode: 0o755 })
      writeFileSync(
        join(dir, 'command.mjs'),
        "import { ensureDependencies } from './electron/scripts/ensure.mjs'\nensureDependencies()\nconsole.log('still on the first Node')\n",
      )
      const out = execFileSync(process.execPath, ['command.mjs'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), GREENLINE_PINNED_NODE: '' },
      })
      expect(out).toContain('Greenline runs on Node 99.1.0 (.nvmrc)')
      expect(out).toContain(`pinned node ran ${join(dir, 'command.mjs')} nodedir=${home}`)
      expect(out).not.toContain('still on the first Node')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
