import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'

export class DataDirLocked extends Error {}

/**
 * One sender per business number: only one server may own a data directory. proper-lockfile
 * keeps a lock directory fresh while we run, so a lock left by a crashed server goes stale (10 s)
 * instead of blocking the next start forever.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true })
  try {
    return await lockfile.lock(dataDir, { lockfilePath: join(dataDir, 'server.lock'), stale: 10_000, update: 2_000, retries: 0 })
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') {
      throw new DataDirLocked(
        `Another Greenline server is already running on ${dataDir}. One business number has one sender: stop the other server, or give this one its own --data-dir.`,
      )
    }
    throw error
  }
}
