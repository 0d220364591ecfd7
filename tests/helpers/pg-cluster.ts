import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { freePort } from '../../electron/core/http/http-util'

/**
 * A throwaway PostgreSQL cluster for the PostgreSQL tests: `initdb` in a temp dir, `postgres` on a
 * free loopback port with its socket in that dir, stopped and removed by `stop()`. Debian's
 * `postgresql` package provides the binaries (`.ci/run` installs it). initdb refuses to run as
 * root, so as root the cluster belongs to the `postgres` user and every command goes through
 * `runuser -u postgres --`. When the binaries are missing, `startPgCluster` throws with the reason:
 * the PostgreSQL tests fail (never skip), and only they do, since only they call it.
 */
export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string
  port: number
  /**
   * A fresh database in this cluster; its URL. Each test file or test takes its own. Empty, or a
   * copy of `template` (a database name of this cluster no one is connected to): copying a
   * migrated database is much faster than migrating each one.
   */
  createDatabase(prefix?: string, options?: { template?: string }): Promise<string>
  /** Stops the server, keeping its data: the database "goes away" (connections are cut). */
  pause(): void
  /** Starts it again on the same port and data. */
  resume(): void
  stop(): void
}

export class PgUnavailable extends Error {
  constructor(detail: string) {
    super(
      `PostgreSQL tests need PostgreSQL 15+ server binaries (initdb, pg_ctl, postgres) on this machine: ${detail}. ` +
        'Install Debian\'s "postgresql" package (apt-get install postgresql), as .ci/run does, or set GREENLINE_PG_BINDIR.',
    )
    this.name = 'PgUnavailable'
  }
}

/** Where initdb and pg_ctl are: GREENLINE_PG_BINDIR, `pg_config --bindir`, or the newest /usr/lib/postgresql/<v>/bin. */
export function findPgBinDir(env: NodeJS.ProcessEnv = process.env, places: { pgConfig?: string; root?: string } = {}): string {
  const has = (dir: string) => ['initdb', 'pg_ctl', 'postgres'].every((name) => existsSync(join(dir, name)))
  const tried: string[] = []
  if (env.GREENLINE_PG_BINDIR) {
    if (has(env.GREENLINE_PG_BINDIR)) return env.GREENLINE_PG_BINDIR
    tried.push(`GREENLINE_PG_BINDIR=${env.GREENLINE_PG_BINDIR}`)
  }
  // Debian's pg_config (libpq-dev / postgresql-common) may name a client-only dir: check it holds initdb.
  const config = spawnSync(places.pgConfig ?? 'pg_config', ['--bindir'], { encoding: 'utf8' })
  const fromConfig = config.status === 0 ? config.stdout.trim() : ''
  if (fromConfig && has(fromConfig)) return fromConfig
  if (fromConfig) tried.push(`pg_config --bindir=${fromConfig}`)
  const root = places.root ?? '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : []
  for (const version of versions) {
    const dir = join(root, version, 'bin')
    if (has(dir)) return dir
  }
  tried.push(`${root}/<version>/bin (${versions.length ? versions.join(', ') : 'none installed'})`)
  throw new PgUnavailable(`no initdb found (looked at ${tried.join('; ')})`)
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))
  if (!line) throw new PgUnavailable('running as root, and there is no "postgres" user to run the cluster as')
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

/** Starts a cluster (about 2 s). Throws PgUnavailable when PostgreSQL is not installed. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBinDir()
  const owner = postgresUser()
  const dir = mkdtempSync(join(tmpdir(), 'greenline-pg-'))
  if (owner) chownSync(dir, owner.uid, owner.gid)
  const data = join(dir, 'data')
  const run = (tool: string, args: string[]) => {
    const [command, fullArgs] = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args]
    return execFileSync(command, fullArgs, { stdio: 'pipe', encoding: 'utf8' })
  }
  let started = false
  const stop = (): void => {
    process.off('exit', stop)
    if (started) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } catch {
        /* already gone */
      }
      started = false
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
    // A test database: durability off (the cluster is thrown away), few connections.
    const settings = '-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50'
    let port = 0
    const startOn = (on: number) =>
      run('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '30',
        '-o',
        `-p ${on} -k ${dir} -h 127.0.0.1 ${settings}`,
        'start',
      ])
    for (let attempt = 0; !started; attempt++) {
      port = await freePort()
      try {
        startOn(port)
        started = true
        // A test run that dies without its afterAll must not leave a postgres running.
        process.once('exit', stop)
      } catch (error) {
        // Another process may have taken the free port between the probe and the start: try another.
        if (attempt >= 2) throw new Error(`PostgreSQL did not start: ${String(error)}\n${readLog(dir)}`, { cause: error })
      }
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    return {
      url,
      port,
      createDatabase: async (prefix = 'test', options = {}) => {
        const name = `${prefix}_${randomBytes(6).toString('hex')}`
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        try {
          await client.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${options.template}` : ''}`)
        } finally {
          await client.end()
        }
        return `postgres://postgres@127.0.0.1:${port}/${name}`
      },
      pause: () => void run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
      resume: () => void startOn(port),
      stop,
    }
  } catch (error) {
    stop()
    throw error
  }
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)
  } catch {
    return ''
  }
}

/**
 * For a PostgreSQL test file: one cluster for the file, started before its tests and removed after.
 * When PostgreSQL is missing, every test of the file fails with PgUnavailable's message.
 */
export function usePgCluster(): () => PgCluster {
  let cluster: PgCluster | undefined
  beforeAll(async () => {
    cluster = await startPgCluster()
  }, 90_000)
  afterAll(() => cluster?.stop())
  return () => {
    if (!cluster) throw new Error('The PostgreSQL cluster did not start (see the error of beforeAll)')
    return cluster
  }
}
