// `npm run server` as a service manager runs it: a real process, its first admin created from the
// command line, one JSON log line each on stdout, one server per data directory, SIGTERM to stop.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../electron/core/http/http-util'
import { WsClient } from '../helpers/ws-client'

const root = join(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'greenline-server-process-'))
const PASSWORD = 'a service-grade password'
const children: ChildProcess[] = []

afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

// The child must log as in production: vitest's own variables would silence it.
const childEnv = () => {
  const env = { ...process.env }
  delete env.VITEST
  delete env.VITEST_WORKER_ID
  delete env.VITEST_POOL_ID
  delete env.GREENLINE_LOG
  return env
}

interface Run {
  child: ChildProcess
  lines: string[]
  /** Resolves with the first stdout line that matches. */
  line(match: (line: string) => boolean): Promise<string>
  exited: Promise<{ code: number | null; stderr: string }>
}

function server(args: string[], stdin?: string): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'electron/server/main.ts'), ...args], {
    cwd: root,
    env: childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  children.push(child)
  if (stdin !== undefined) child.stdin.end(stdin)
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines: string[] = []
  const waiters = new Set<() => void>()
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    for (const waiter of [...waiters]) waiter()
  })
  return {
    child,
    lines,
    line: (match) =>
      new Promise((resolve) => {
        const check = () => {
          const found = lines.find(match)
          if (found === undefined) return
          waiters.delete(check)
          resolve(found)
        }
        waiters.add(check)
        check()
      }),
    exited: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))),
  }
}

describe('the server process', () => {
  it('creates the first administrator from the command line, refusing a weak password', async () => {
    const weak = server(['admin', 'create', 'alice', '--name', 'Alice Admin', '--password-stdin', '--data-dir', dataDir], 'short\n')
    const refused = await weak.exited
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('at least 12 characters')

    const created = server(
      ['admin', 'create', 'alice', '--name', 'Alice Admin', '--password-stdin', '--data-dir', dataDir],
      `${PASSWORD}\n`,
    )
    expect((await created.exited).code).toBe(0)
    expect(created.lines.join('\n')).toContain('alice is an administrator')
  }, 30_000)

  it('serves sign-in, logs JSON lines without secrets, refuses a second server on its data, and stops on SIGTERM', async () => {
    const port = await freePort()
    const first = server(['--port', String(port), '--data-dir', dataDir])
    await first.line((l) => l.includes('"msg":"listening"'))

    const response = await fetch(`http://127.0.0.1:${port}/auth/password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', password: PASSWORD }),
    })
    expect(response.status).toBe(204)
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toMatchObject({ ready: true })
    await first.line((l) => l.includes('"route":"/auth/password"'))

    const second = server(['--port', '0', '--data-dir', dataDir])
    const refused = await second.exited
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('Another Greenline server is already running')

    // An open API connection must not hold the shutdown up.
    const client = await WsClient.connect(`http://127.0.0.1:${port}`, {
      headers: { Cookie: response.headers.get('set-cookie')!.split(';')[0] },
    })
    first.child.kill('SIGTERM')
    await client.closed
    expect((await first.exited).code).toBe(0)
    for (const line of first.lines) {
      const entry = JSON.parse(line) as { level: string; module: string; msg: string }
      expect(entry).toMatchObject({ level: expect.any(String), module: expect.any(String), msg: expect.any(String) })
    }
    const log = first.lines.join('\n')
    expect(log).toContain('"msg":"stopped"')
    expect(log).not.toContain(PASSWORD)
    expect(log).not.toMatch(/gls_[\w-]{20}/)
  }, 60_000)
})
