/**
 * Opens a data folder the way Greenline starts (openDatabase: copy aside, then migrate), to be
 * killed by `migration-kill.test.ts`. With `pauseAt`, the migration of that version does its work
 * and then waits inside its transaction, before its user_version is set and committed, saying
 * `paused <version>` on stdout: the parent kills it there.
 * Usage: tsx tests/crash/migrate-child.ts <dataDir> <now> [pauseAt]
 */
import { writeSync } from 'node:fs'
import type { Migration } from '../../electron/core/db/migration'
import { MIGRATIONS } from '../../electron/core/db/migrations'
import { openDatabase } from '../../electron/core/db/open'

const [dataDir, now, pauseAt] = process.argv.slice(2)
const pause = pauseAt === undefined ? undefined : Number(pauseAt)

function holdUntilKilled(version: number): never {
  writeSync(1, `paused ${version}\n`)
  // Blocks this thread with the transaction open. The limit only keeps a forgotten child from
  // living forever should the test runner itself die.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000)
  process.exit(3)
}

const migrations: Migration[] = MIGRATIONS.map((m) =>
  m.version === pause
    ? {
        ...m,
        up: (db) => {
          m.up(db)
          holdUntilKilled(m.version)
        },
      }
    : m,
)
openDatabase(dataDir, { now: () => Number(now), migrations }).close()
writeSync(1, 'done\n')
