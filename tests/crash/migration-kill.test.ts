import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, watch } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { latestVersion } from '../../electron/core/db/migrate'
import { MIGRATIONS } from '../../electron/core/db/migrations'
import { DATABASE_FILE, openDatabase } from '../../electron/core/db/open'

/**
 * Issue 16, item 7: kills during migrations. A real child process opens an older database the way
 * Greenline starts and is SIGKILLed in the middle of each migration (its work done, its
 * user_version not yet committed), or in the middle of the copy written before migrating. The
 * file must come back as the previous version, whole, and the next start must finish the job.
 */
const root = fileURLToPath(new URL('../..', import.meta.url))
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A data folder whose database stops at `version`, holding a few contacts. */
function olderDatabase(version: number, fillerMegabytes = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'greenline-migration-kill-'))
  dirs.push(dir)
  if (version === 0) return dir
  const db = openDatabase(dir, { migrations: MIGRATIONS.filter((m) => m.version <= version) })
  const insert = db.prepare('INSERT INTO contacts (id, name, created_at, updated_at) VALUES (?, ?, 1, 1)')
  for (const [id, name] of [
    ['c1', 'Ana Souza'],
    ['c2', 'Ben Okafor'],
  ])
    insert.run(id, name)
  if (fillerMegabytes > 0) {
    // Makes the copy before migrating take long enough to be killed in the middle of it.
    db.exec(`CREATE TABLE filler (b BLOB);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${fillerMegabytes * 16})
      INSERT INTO filler SELECT randomblob(65536) FROM n;`)
  }
  db.close()
  return dir
}

/** What must survive: the version, the whole schema, and the rows. */
function snapshot(path: string) {
  const db = new Database(path)
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      schema: db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all(),
      contacts: db.prepare(`SELECT name FROM sqlite_master WHERE name = 'contacts'`).get()
        ? db.prepare(`SELECT id, name FROM contacts ORDER BY id`).all()
        : [],
    }
  } finally {
    db.close()
  }
}

/** Runs the child; `killWhen` gets each stdout line and the folder's new file names, and says when to SIGKILL it. */
function runChild(dir: string, args: string[], killWhen: { line?: RegExp; file?: RegExp }) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/crash/migrate-child.ts', dir, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const kill = () => child.kill('SIGKILL')
  const watcher = killWhen.file ? watch(dir, (_event, name) => name && killWhen.file!.test(name) && kill()) : undefined
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    if (killWhen.line?.test(output)) kill()
  })
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on('exit', (_code, signal) => {
      watcher?.close()
      resolve({ signal, output })
    }),
  )
}

const backups = (dir: string) => readdirSync(dir).filter((name) => name.startsWith(`${DATABASE_FILE}.before-v`))

describe('@security crash safety: kills during migrations', () => {
  it.each(MIGRATIONS.map((m, i) => [m.version, MIGRATIONS[i - 1]?.version ?? 0] as const))(
    'a kill in the middle of migration %i leaves version %i whole, and the next start finishes',
    async (version, previous) => {
      const dir = olderDatabase(previous)
      const path = join(dir, DATABASE_FILE)
      const before = previous > 0 ? snapshot(path) : undefined

      const run = await runChild(dir, ['1000', String(version)], { line: new RegExp(`paused ${version}`) })
      expect(run.signal, run.output).toBe('SIGKILL')

      const after = snapshot(path)
      if (before) expect(after).toEqual(before)
      else expect(after).toMatchObject({ version: 0, schema: [] })
      if (previous > 0) {
        // The copy written before migrating is there, complete, at the previous version.
        expect(backups(dir)).toEqual([`${DATABASE_FILE}.before-v${previous}-1000`])
        expect(snapshot(join(dir, backups(dir)[0]))).toEqual(before)
      }

      const reopened = openDatabase(dir, { now: () => 2000 })
      reopened.close()
      const finished = snapshot(path)
      expect(finished).toMatchObject({ version: latestVersion(), integrity: 'ok', contacts: before?.contacts ?? [] })
    },
  )

  it('a kill in the middle of the copy written before migrating leaves no damaged file under a copy’s name', async () => {
    const previous = MIGRATIONS.at(-2)!.version
    const dir = olderDatabase(previous, 48)
    const path = join(dir, DATABASE_FILE)
    const before = snapshot(path)

    // Killed as soon as the copy's first file appears, whatever it is called.
    const run = await runChild(dir, ['1000'], { file: /^greenline\.db\.(before-v|copying)/ })
    expect(run.signal, run.output).toBe('SIGKILL')
    expect(snapshot(path)).toEqual(before)
    // Whatever carries a copy's name is a complete database.
    for (const name of backups(dir)) expect(snapshot(join(dir, name))).toEqual(before)

    openDatabase(dir, { now: () => 2000 }).close()
    expect(snapshot(path)).toMatchObject({ version: latestVersion(), integrity: 'ok', contacts: before.contacts })
    // The next start cleared the unfinished copy and wrote its own, whole.
    const left = backups(dir)
    expect(readdirSync(dir).filter((n) => n.includes('copying'))).toEqual([])
    expect(left).toContain(`${DATABASE_FILE}.before-v${previous}-2000`)
    for (const name of left) expect(snapshot(join(dir, name))).toMatchObject({ version: previous, integrity: 'ok' })
  })
})
