import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('crash test', () => {
  it('delivers every message exactly once, in per-user order, across 20 SIGKILLs of the engine', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/crash/crash-test.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    const last = output.trim().split('\n').at(-1) ?? ''
    const counts = Object.fromEntries([...last.matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]))
    expect(last, output.slice(-2000)).toMatch(/^delivered=\d+ lost=\d+ duplicated=\d+ out_of_order=\d+ kills=\d+$/)
    expect(counts).toEqual({ delivered: 2000, lost: 0, duplicated: 0, out_of_order: 0, kills: 20 })
    expect(code).toBe(0)
  }, 300_000)
})
