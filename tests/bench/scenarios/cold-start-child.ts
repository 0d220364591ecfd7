/** Child process of the cold-start scenario: `tsx cold-start-child.ts <dataDir>`. */
import { report } from '../support/child'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: cold-start-child.ts <dataDir>')

const t0 = performance.now()
const { createEngine } = await import('../../../electron/core/engine')
const { demoOrgPolicy } = await import('../../../electron/launcher/demo-org')
const t1 = performance.now()
const engine = createEngine({ dataDir, org: demoOrgPolicy() })
await engine.start()
const t2 = performance.now()
const result = await engine.dispatch({ userId: 'priya' }, 'conversations:list', {})
const t3 = performance.now()
if (!result.ok) throw new Error(result.error.message)
await engine.close()
report({
  importMs: t1 - t0,
  openMs: t2 - t1,
  firstQueryMs: t3 - t2,
  coldStartMs: t3 - t1,
  conversations: (result.value as unknown[]).length,
})
