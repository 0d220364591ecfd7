import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
    for (const version of [`${nvmrc}.99.0`.split('.').slice(0, 3).join('.'), process.versions.node, '24.11.1']) {
      expect(semver.satisfies(version, range), version).toBe(true)
    }
    // Older than what vite 8 and electron-vite need.
    for (const version of ['18.20.4', '20.18.0', '22.11.0']) expect(semver.satisfies(version, range), version).toBe(false)
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

  it('.ci/run stops at once, saying why, on a Node other than the pinned one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-ci-'))
    try {
      cpSync(join(root, '.ci'), join(dir, '.ci'), { recursive: true })
      // A Node from another line than .nvmrc's: the script must not reach `npm ci`.
      writeFileSync(join(dir, '.nvmrc'), '8\n')
      const run = () =>
        execFileSync('bash', ['-c', 'source .ci/node-check.sh'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      expect(run).toThrow(/CI runs on Node 8 \(\.nvmrc\), this machine has v\d+/)
      writeFileSync(join(dir, '.nvmrc'), `${process.versions.node.split('.')[0]}\n`)
      expect(run()).toContain(`Node v${process.versions.node}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
