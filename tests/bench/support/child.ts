import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const MARK = 'BENCH_RESULT '

/** Child scripts print their result as one `BENCH_RESULT {json}` line. */
export function report(value: unknown): void {
  process.stdout.write(`${MARK}${JSON.stringify(value)}\n`)
}

/**
 * Runs a TypeScript script in a fresh Node process (through tsx, as `npm run bench` does) and
 * returns what it reported, plus the wall time from spawn to exit.
 */
export function runChild<T>(
  script: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<T & { wallMs: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const wallMs = performance.now() - started
      const line = out.split('\n').find((l) => l.startsWith(MARK))
      if (!line) return reject(new Error(`child ${script} exited ${code} without a result: ${(err || out).trim().slice(-800)}`))
      resolve({ ...(JSON.parse(line.slice(MARK.length)) as T), wallMs })
    })
  })
}
