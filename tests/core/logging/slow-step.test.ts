import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../../electron/core/platform/logger'
import { SLOW_STEP_MS, slowStep } from '../../../electron/core/platform/slow-step'

function recordingLogger(): Logger & { errors: Array<Record<string, unknown> | undefined> } {
  const errors: Array<Record<string, unknown> | undefined> = []
  const ignore = () => undefined
  return { errors, debug: ignore, info: ignore, warn: ignore, error: (_message, fields) => errors.push(fields) }
}

afterEach(() => vi.useRealTimers())

describe('slowStep: a shutdown step that hangs says which one it is', () => {
  it('names the step once it has waited too long, and stays quiet for a quick one', async () => {
    vi.useFakeTimers()
    const log = recordingLogger()
    let finish!: () => void
    const hanging = slowStep(log, 'close: outbox scheduler', new Promise<void>((resolve) => (finish = resolve)))
    await slowStep(log, 'close: change feed', Promise.resolve())
    vi.advanceTimersByTime(SLOW_STEP_MS - 1)
    expect(log.errors).toEqual([])
    vi.advanceTimersByTime(1)
    expect(log.errors).toEqual([{ step: 'close: outbox scheduler', afterMs: SLOW_STEP_MS }])
    finish()
    await hanging
    vi.advanceTimersByTime(SLOW_STEP_MS * 2)
    expect(log.errors).toHaveLength(1)
  })

  it('passes the step’s result and its failure through', async () => {
    const log = recordingLogger()
    expect(await slowStep(log, 'a', async () => 42)).toBe(42)
    await expect(slowStep(log, 'b', Promise.reject(new Error('database away')))).rejects.toThrow('database away')
  })
})
