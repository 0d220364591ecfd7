// `npm run server -- migrate`: explicit, idempotent, on PostgreSQL (GREENLINE_DATABASE_URL) or the SQLite data directory.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { latestVersion } from '../../electron/core/db/migrate'
import { openDatabase } from '../../electron/core/db/open'
import { latestPgVersion, pgSchemaVersion } from '../../electron/core/db/pg/migrate'
import { PgUnreachable } from '../../electron/core/db/pg/pool'
import { freePort } from '../../electron/core/http/http-util'
import { ConfigError, resolveServerConfig } from '../../electron/server/config'
import { migrateCommand } from '../../electron/server/migrate-command'
import { usePgCluster } from '../helpers/pg-cluster'

const root = join(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-migrate-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function migrate(env: NodeJS.ProcessEnv, argv: string[] = []): Promise<string[]> {
  const lines: string[] = []
  await migrateCommand(argv, env, (line) => lines.push(line))
  return lines
}

describe('npm run server -- migrate', () => {
  const cluster = usePgCluster()

  it('migrates the PostgreSQL database of GREENLINE_DATABASE_URL, and says there is nothing to do the second time', async () => {
    const url = await cluster().createDatabase()
    const env = { GREENLINE_DATABASE_URL: url }
    expect(await migrate(env)).toEqual([
      expect.stringMatching(
        new RegExp(`^PostgreSQL 127\\.0\\.0\\.1:\\d+/\\w+: schema 0 → ${latestPgVersion()} \\(applied 10, 20, 30, 40\\)\\.$`),
      ),
    ])
    expect(await migrate(env)).toEqual([expect.stringContaining(`is at schema ${latestPgVersion()}: nothing to migrate.`)])
    const pool = new pg.Pool({ connectionString: url })
    expect(await pgSchemaVersion(pool)).toBe(latestPgVersion())
    await pool.end()
  })

  it('says which database cannot be reached and why, never its password', async () => {
    const port = await freePort()
    const url = `postgres://greenline:s3cret-pass@127.0.0.1:${port}/greenline`
    const failure = migrate({ GREENLINE_DATABASE_URL: url })
    await expect(failure).rejects.toBeInstanceOf(PgUnreachable)
    await expect(failure).rejects.toThrow(`Cannot reach the PostgreSQL database 127.0.0.1:${port}/greenline: nothing listens there`)
    await expect(failure).rejects.not.toThrow(/s3cret/)
    const missing = cluster().url.replace(/\/postgres$/, '/no_such_database')
    await expect(migrate({ GREENLINE_DATABASE_URL: missing })).rejects.toThrow(
      /database "no_such_database" does not exist \(create it first/,
    )
    await expect(migrate({ GREENLINE_DATABASE_URL: 'mysql://x@y/z' })).rejects.toBeInstanceOf(ConfigError)
  })

  it('without GREENLINE_DATABASE_URL, migrates the SQLite data directory (copying an older file aside first)', async () => {
    const dataDir = tempDir()
    expect(await migrate({}, ['--data-dir', dataDir])).toEqual([
      `SQLite ${dataDir}: schema 0 → ${latestVersion()} (newest ${latestVersion()}).`,
    ])
    expect(await migrate({}, ['--data-dir', dataDir])).toEqual([`SQLite ${dataDir} is at schema ${latestVersion()}: nothing to migrate.`])
    // An older file: migrated, with the copy made before.
    const older = tempDir()
    openDatabase(older, { migrations: (await import('../../electron/core/db/migrations')).MIGRATIONS.slice(0, 3) }).close()
    expect(await migrate({}, ['--data-dir', older])).toEqual([
      `SQLite ${older}: schema 30 → ${latestVersion()} (newest ${latestVersion()}).`,
    ])
    expect(readdirSync(older).some((name) => name.startsWith('greenline.db.before-v30-'))).toBe(true)
  })

  it('reads GREENLINE_DATABASE_URL and the pool size, refusing what is not a postgres:// URL or too small a pool', () => {
    expect(resolveServerConfig([], { GREENLINE_DATABASE_URL: 'postgres://db/greenline' }).database).toEqual({
      url: 'postgres://db/greenline',
      poolMax: 10,
    })
    expect(
      resolveServerConfig([], { GREENLINE_DATABASE_URL: 'postgresql://db/g', GREENLINE_DATABASE_POOL_MAX: '40' }).database?.poolMax,
    ).toBe(40)
    expect(resolveServerConfig([], {}).database).toBeUndefined()
    expect(() => resolveServerConfig([], { GREENLINE_DATABASE_URL: 'mysql://db/greenline' })).toThrow(/must be a postgres:\/\//)
    expect(() => resolveServerConfig([], { GREENLINE_DATABASE_URL: 'postgres://db/g', GREENLINE_DATABASE_POOL_MAX: '1' })).toThrow(
      /GREENLINE_DATABASE_POOL_MAX must be a whole number of 2 or more/,
    )
  })

  it('as a process: exit 0 and one line when done; exit 1 and the reason on stderr when the database is away', async () => {
    const run = (env: NodeJS.ProcessEnv, args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(root, 'electron/server/main.ts'), ...args], {
        cwd: root,
        env: { ...process.env, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      })
    const url = await cluster().createDatabase()
    const done = run({ GREENLINE_DATABASE_URL: url }, ['migrate'])
    expect({ status: done.status, stdout: done.stdout }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/: schema 0 → 40 \(applied 10, 20, 30, 40\)\.\n$/),
    })
    const away = run({ GREENLINE_DATABASE_URL: `postgres://u:pw@127.0.0.1:${await freePort()}/g` }, ['migrate'])
    expect(away.status).toBe(1)
    expect(away.stderr).toMatch(
      /^Greenline could not migrate: Cannot reach the PostgreSQL database 127\.0\.0\.1:\d+\/g: nothing listens there/,
    )
    // The server never migrates PostgreSQL by itself: on a database not migrated yet it says what to run.
    const start = run({ GREENLINE_DATABASE_URL: await cluster().createDatabase(), GREENLINE_DATA_DIR: tempDir() }, [])
    expect(start.status).toBe(1)
    expect(start.stderr).toMatch(
      /^Greenline server could not start: PostgreSQL .* is at schema 0; this Greenline needs 40\. Run `npm run server -- migrate`/,
    )
    expect(existsSync(join(dirs.at(-1) ?? '', 'greenline.db'))).toBe(false)
    // A solo history cannot be imported into PostgreSQL yet: refused in words, nothing written.
    const solo = join(tempDir(), 'greenline.db')
    writeFileSync(solo, '')
    const imported = run({ GREENLINE_DATABASE_URL: url, GREENLINE_DATA_DIR: tempDir() }, ['import', '--from', solo, '--as', 'priya'])
    expect(imported.status).toBe(1)
    expect(imported.stderr).toMatch(/Importing a solo history into a server on PostgreSQL is not built yet/)
  }, 120_000)
})
