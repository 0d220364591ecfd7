import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { cruise, type ICruiseResult } from 'dependency-cruiser'
import { describe, expect, it } from 'vitest'

// The layer rule is `.dependency-cruiser.cjs`, run by `npm run lint`. These tests run the same
// rules over the project and over a fixture tree that crosses every line once.
const repo = fileURLToPath(new URL('../..', import.meta.url))
const violating = fileURLToPath(new URL('../fixtures/layer-violation', import.meta.url))
const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as {
  forbidden: unknown[]
  options: Record<string, unknown>
}

async function violations(baseDir: string): Promise<Array<{ from: string; to: string; rule: string }>> {
  const result = await cruise(['electron', 'src'], {
    ...config.options,
    baseDir,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  } as never)
  const output = result.output as ICruiseResult
  return output.summary.violations.map((v) => ({ from: v.from, to: v.to, rule: v.rule.name }))
}

describe('layer rule', () => {
  it('passes on the project itself', async () => {
    expect(await violations(repo)).toEqual([])
  })

  it('fails each crossing in the fixture, and only those', async () => {
    const found = await violations(violating)
    expect(found.map((v) => `${v.from} ${v.rule}`).sort()).toEqual(
      [
        'electron/core/reaches-sandbox.ts core-stays-in-core',
        'electron/core/uses-electron.ts no-electron-outside-the-shell',
        'electron/core/whatsapp/calls-services.ts whatsapp-is-an-adapter',
        'electron/preload/uses-fs.ts preload-no-node',
        'electron/preload/uses-fs.ts preload-only-electron',
        'electron/sandbox/server.ts sandbox-is-meta',
        'electron/shared/policy-texts.ts policy-texts-stay-pure',
        'electron/shared/uses-node.ts shared-is-pure',
        'electron/team-client/uses-electron.ts no-electron-outside-the-shell',
        'src/uses-values.ts renderer-imports-types-only',
      ].sort(),
    )
  })

  it('lets the renderer import values from the shared policy texts, and from nothing else in shared', async () => {
    const found = await violations(violating)
    expect(found.filter((v) => v.from === 'src/uses-policy-texts.ts')).toEqual([])
    expect(found.filter((v) => v.from === 'src/uses-values.ts').map((v) => v.rule)).toEqual(['renderer-imports-types-only'])
  })

  it('reads `import { type X }` as a type import', async () => {
    const found = await violations(violating)
    expect(found.filter((v) => v.from === 'src/inline-type.ts')).toEqual([])
  })
})
