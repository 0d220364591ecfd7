import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

// Smaller than `npm run test:crash` (200 users × 10, 20 kills) so the whole suite stays quick; the
// rule checked is the same, with production settings and the real 60 s reconcile grace.
const USERS = 60
const PER_USER = 5
const KILLS = 10

describe('@security crash test', () => {
  it(`delivers every acknowledged message exactly once, in per-user order, across ${KILLS} SIGKILLs of the engine`, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/crash/crash-test.ts'], {
      cwd: root,
      env: { ...process.env, CRASH_USERS: String(USERS), CRASH_PER_USER: String(PER_USER), CRASH_KILLS: String(KILLS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    const last = output.trim().split('\n').at(-1) ?? ''
    const counts = Object.fromEntries([...last.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]))
    expect(last, output.slice(-2000)).toMatch(/^acknowledged=\d+ delivered=\d+ lost=\d+ duplicated=\d+ out_of_order=\d+ kills=\d+$/)
    const total = USERS * PER_USER
    expect(counts).toEqual({ acknowledged: total, delivered: total, lost: 0, duplicated: 0, out_of_order: 0, kills: KILLS })
    expect(code).toBe(0)
  }, 600_000)
})
