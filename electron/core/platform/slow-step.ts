import type { Logger } from './logger'

/** How long a shutdown step may take before its name is logged as an error. */
export const SLOW_STEP_MS = 10_000

/**
 * Awaits `work`, logging an error naming `step` if it is still unfinished after `SLOW_STEP_MS`
 * (wall time: a hang is what it reports, so no injected clock). A shutdown that never ends then
 * says where it waits, in a test's output or a user's log, instead of only timing out.
 */
export async function slowStep<T>(log: Logger, step: string, work: Promise<T> | (() => Promise<T>)): Promise<T> {
  const timer = setTimeout(() => log.error('still waiting', { step, afterMs: SLOW_STEP_MS }), SLOW_STEP_MS)
  timer.unref()
  try {
    return await (typeof work === 'function' ? work() : work)
  } finally {
    clearTimeout(timer)
  }
}
