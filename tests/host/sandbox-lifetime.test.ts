import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'

/**
 * @security The embedded sandbox is the host's child: it must die with the host, however the host
 * dies, and it must not see the host's secrets. Run against the real CLI (`npm run web`).
 */
const root = join(import.meta.dirname, '..', '..')
let host: ChildProcess | undefined

afterEach(() => {
  host?.kill('SIGKILL')
  host = undefined
})

function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return text ? text.split(/\s+/).map(Number) : []
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
}

/** Resolves when the process is gone: its /proc entry disappears (it is not our child, so no 'exit'). */
async function gone(pid: number, within = 10_000): Promise<boolean> {
  const until = Date.now() + within
  while (Date.now() < until) {
    try {
      process.kill(pid, 0)
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return false
}

/** Processes (other than ours) whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)
      } catch {
        return false // it ended while we looked
      }
    })
    .map(Number)
}

describe.runIf(process.platform === 'linux')('@security embedded sandbox lifetime', () => {
  it('receives only the environment it needs and exits when the host is SIGKILLed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'greenline-lifetime-'))
    host = spawn(process.execPath, ['--import', 'tsx', join(root, 'electron/host/cli.ts'), '--port', '0', '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, GREENLINE_TOKEN: 'host-secret-token-1234', SOME_CLOUD_KEY: 'do-not-leak' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const sandboxUrl = await new Promise<string>((resolve, reject) => {
      createInterface({ input: host!.stdout! }).on('line', (line) => {
        const match = /WhatsApp sandbox \(phone simulator\): (\S+)/.exec(line)
        if (match) resolve(match[1])
      })
      host!.once('exit', (code) => reject(new Error(`host exited ${code}`)))
    })
    expect((await fetch(`${sandboxUrl}sandbox/users`)).status).toBe(200)

    const [sandboxPid] = childrenOf(host.pid!)
    expect(sandboxPid).toBeGreaterThan(0)
    const environment = environOf(sandboxPid)
    expect(environment.some((entry) => entry.includes('host-secret-token-1234'))).toBe(false)
    expect(environment.some((entry) => entry.startsWith('SOME_CLOUD_KEY='))).toBe(false)

    host.kill('SIGKILL')
    expect(await gone(sandboxPid)).toBe(true)
  }, 60_000)

  // README "Security", freePort(): another program may take the port between the check and listen.
  it('stops, saying the address is in use, and leaves no sandbox behind when its port was taken', async () => {
    const taker = createServer()
    const port = await new Promise<number>((resolve) =>
      taker.listen(0, '127.0.0.1', () => resolve((taker.address() as { port: number }).port)),
    )
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'greenline-port-taken-'))
      host = spawn(
        process.execPath,
        ['--import', 'tsx', join(root, 'electron/host/cli.ts'), '--port', String(port), '--data-dir', dataDir],
        {
          cwd: root,
          env: { ...process.env, GREENLINE_TOKEN: 'host-secret-token-1234' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let output = ''
      host.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      host.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const code = await new Promise<number | null>((resolve) => host!.once('exit', resolve))
      expect(code, output).not.toBe(0)
      expect(output).toMatch(new RegExp(`could not start.*address already in use 127\\.0\\.0\\.1:${port}`))
      // The sandbox it started (its state folder is inside the data folder) does not outlive it.
      expect(existsSync(join(dataDir, 'sandbox', 'credentials.json')), 'the sandbox was never started').toBe(true)
      for (const pid of processesMentioning(dataDir)) expect(await gone(pid)).toBe(true)
    } finally {
      taker.close()
    }
  }, 60_000)
})
