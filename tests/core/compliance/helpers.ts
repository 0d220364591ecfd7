import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, type Engine } from '../../../electron/core/engine'
import { parseOrgPolicy } from '../../../electron/core/org/org-policy'
import type { RequestChannel, RequestOf, ValueOf } from '../../../electron/shared/api/contract'
import type { Result } from '../../../electron/shared/api/result'
import { ManualClock } from '../../../electron/shared/clock'

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `greenline-${name}-`))

export const USERS = [
  { id: 'priya', name: 'Priya Shah' },
  { id: 'sam', name: 'Sam Lee' },
  { id: 'alex', name: 'Alex Morgan' },
]

/** An engine on a temporary folder with a manual clock; never started (nothing is sent). */
export function compliantEngine(org: Record<string, unknown> = {}, dataDir = tempDir('compliance')) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0))
  const engine = createEngine({
    dataDir,
    clock,
    org: parseOrgPolicy({ name: 'Compliance Test Office', users: USERS, whatsapp: { enabled: true }, ...org }),
  })
  const call =
    (userId: string) =>
    <C extends RequestChannel>(channel: C, payload: RequestOf<C>) =>
      engine.dispatch({ userId }, channel, payload) as Promise<Result<ValueOf<C>>>
  const must =
    (userId: string) =>
    async <C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ValueOf<C>> => {
      const result = await call(userId)(channel, payload)
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`)
      return result.value
    }
  return { engine, clock, dataDir, call, must }
}

export type CompliantEngine = ReturnType<typeof compliantEngine>
export type { Engine }
