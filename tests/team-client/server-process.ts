// A real `npm run server` process for the team client's tests: its own data dir, a fixed port
// (so a client reconnects to the same address after a restart), its sandbox, SIGTERM to stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { freePort } from '../../electron/core/http/http-util'

const root = join(import.meta.dirname, '..', '..')
const entry = join(root, 'electron/server/main.ts')
export const PASSWORD = 'a team-client test password'

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const key of ['VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID', 'GREENLINE_LOG', 'GREENLINE_ADMIN_PASSWORD']) delete env[key]
  return env
}

export interface ServerProcess {
  url: string
  dataDir: string
  running(): boolean
  start(): Promise<void>
  /** SIGTERM, as a service manager stops it; resolves when the process exited. */
  stop(): Promise<void>
  dispose(): Promise<void>
}

/** Creates the data dir with the given users as (password) accounts, then starts the server. */
export async function startServerProcess(users: readonly string[]): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenline-team-client-'))
  for (const user of users) {
    const made = spawnSync(
      process.execPath,
      ['--import', 'tsx', entry, 'admin', 'create', user, '--password-stdin', '--data-dir', dataDir],
      {
        cwd: root,
        env: childEnv(),
        input: `${PASSWORD}\n`,
        encoding: 'utf8',
      },
    )
    if (made.status !== 0) throw new Error(`admin create ${user} failed: ${made.stderr}`)
  }
  const port = await freePort()
  let child: ChildProcess | undefined
  const process_: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    running: () => child !== undefined,
    async start() {
      const started = spawn(process.execPath, ['--import', 'tsx', entry, '--port', String(port), '--data-dir', dataDir], {
        cwd: root,
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = started
      let stderr = ''
      started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: started.stdout }).on('line', (line) => {
          if (line.includes('"msg":"listening"')) resolve()
        })
        started.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)))
      })
    },
    async stop() {
      const running = child
      if (!running) return
      child = undefined
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGTERM')
      await exited
    },
    async dispose() {
      await process_.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  await process_.start()
  return process_
}

/** Signs in with the password and makes a personal access token for this "device". */
export async function deviceToken(url: string, userId: string, name = 'Greenline desktop'): Promise<{ id: string; token: string }> {
  const signIn = await fetch(`${url}/auth/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, password: PASSWORD }),
  })
  if (signIn.status !== 204) throw new Error(`sign-in failed: ${signIn.status}`)
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const created = await fetch(`${url}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie },
    body: JSON.stringify({ name }),
  })
  return (await created.json()) as { id: string; token: string }
}

/** Revokes a token as its owner would from the web (a bearer token can revoke itself too). */
export async function revokeToken(url: string, token: { id: string; token: string }): Promise<void> {
  const response = await fetch(`${url}/auth/tokens/${token.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token.token}` } })
  if (response.status !== 204) throw new Error(`revoke failed: ${response.status}`)
}
