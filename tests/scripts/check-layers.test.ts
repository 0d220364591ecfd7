import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkLayers, findImports } from '../../electron/scripts/check-layers'

const repo = fileURLToPath(new URL('../..', import.meta.url))
const violating = fileURLToPath(new URL('../fixtures/layer-violation', import.meta.url))

describe('layer rule', () => {
  it('passes on the project itself', () => {
    expect(checkLayers(repo)).toEqual([])
  })

  it('fails when the engine imports electron or the renderer imports values from shared', () => {
    const violations = checkLayers(violating)
    expect(violations).toHaveLength(2)
    expect(violations).toContainEqual(expect.objectContaining({ file: 'electron/core/uses-electron.ts', specifier: 'electron' }))
    expect(violations).toContainEqual(
      expect.objectContaining({ file: 'src/uses-values.ts', line: 2, reason: expect.stringContaining('only types') }),
    )
  })

  it('reads static, dynamic and re-export imports', () => {
    const refs = findImports(`import a from 'x'\nexport { b } from './y'\nconst c = await import('z')\nimport type { D } from './d'`)
    expect(refs.map((r) => [r.specifier, r.typeOnly])).toEqual([
      ['x', false],
      ['./y', false],
      ['z', false],
      ['./d', true],
    ])
  })
})
