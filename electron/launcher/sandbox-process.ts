import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/**
 * What this module needs of the sandbox's process: Node's ChildProcess, or Electron's
 * utilityProcess adapted in electron/main (the packaged app cannot run its binary as Node).
 */
export interface SandboxChild {
  readonly stdout: NodeJS.ReadableStream | null
  readonly exitCode: number | null
  once(event: 'exit', listener: (code: number | null) => void): unknown
  once(event: 'error', listener: (error: Error) => void): unknown
  /** SIGTERM by default (Electron's utilityProcess knows no other signal). */
  kill(signal?: NodeJS.Signals): boolean
}

/** Starts `script` (after `execArgv`) with `args` and `env`, stdout piped; the child dies with us. */
export type SandboxLauncher = (module: { script: string; execArgv: string[] }, args: string[], env: NodeJS.ProcessEnv) => SandboxChild

export interface SandboxProcess {
  url: string
  accessToken: string
  appSecret: string
  verifyToken: string
  phoneNumberId: string
  wabaId: string
  stop(): Promise<void>
}

/**
 * Starts the WhatsApp sandbox as its own process (it is a separate system, reached over HTTP like
 * Meta's servers) and waits for it to say where it listens. Used when no WhatsApp credentials are
 * configured. The sandbox posts webhooks to `webhookUrl` and clock jumps to `clockUrl`.
 */
export async function startSandboxProcess(options: {
  webhookUrl: string
  smsWebhookUrl: string
  clockUrl: string
  port?: number
  /** Node-compatible executable; Electron passes its own binary with ELECTRON_RUN_AS_NODE. */
  execPath?: string
  env?: NodeJS.ProcessEnv
  /** Starts the child instead of `spawn` (the desktop app: Electron's utilityProcess). */
  launch?: SandboxLauncher
  /**
   * The sandbox's folder in the data folder: its users, chats, unsent webhooks and credentials are
   * kept there, so after a crash the restarted sandbox continues, and the webhooks it still owes
   * are signed with the secret the engine knows. Without it, a fresh sandbox each time.
   */
  stateDir?: string
  /** The name the opt-in request gives, so the simulator's chat header shows the same business. */
  businessName?: string
}): Promise<SandboxProcess> {
  const { accessToken, appSecret, verifyToken } = options.stateDir ? sandboxCredentials(options.stateDir) : newCredentials()
  const { command, args } = sandboxCommand(options.execPath)
  // Only what a Node process needs to run, never the host's own secrets (its token, credentials).
  const env: NodeJS.ProcessEnv = {
    ...pick(process.env, CHILD_ENV),
    ...options.env,
    GREENLINE_SANDBOX_TOKEN: accessToken,
    GREENLINE_SANDBOX_APP_SECRET: appSecret,
    GREENLINE_SANDBOX_WEBHOOK_URL: options.webhookUrl,
    GREENLINE_SANDBOX_SMS_WEBHOOK_URL: options.smsWebhookUrl,
    GREENLINE_SANDBOX_CLOCK_URL: options.clockUrl,
    ...(options.businessName ? { GREENLINE_SANDBOX_BUSINESS_NAME: options.businessName } : {}),
  }
  const stateArgs = options.stateDir ? ['--state-dir', options.stateDir] : []
  const flags = ['--json', '--port', String(options.port ?? 0), ...stateArgs]
  const child: SandboxChild = options.launch
    ? // A utility process has no stdin to hold open; Electron ends it with the app.
      options.launch({ script: args[args.length - 1], execArgv: args.slice(0, -1) }, flags, env)
    : spawn(command, [...args, ...flags, '--exit-with-parent'], {
        env,
        // stdin stays open for the child's lifetime: it exits when this process dies, however it dies.
        stdio: ['pipe', 'pipe', 'inherit'],
      })
  const stdout = child.stdout
  if (!stdout) throw new Error('The WhatsApp sandbox was started without a stdout pipe')
  const ready = await new Promise<{ url: string; phoneNumberId: string; wabaId: string }>((resolve, reject) => {
    const lines = createInterface({ input: stdout })
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return
      try {
        const info = JSON.parse(line) as { url?: string; phoneNumberId?: string; wabaId?: string }
        if (info.url) resolve({ url: info.url, phoneNumberId: info.phoneNumberId ?? '', wabaId: info.wabaId ?? '' })
      } catch {
        // Not the announcement line.
      }
    })
    child.once('exit', (code) => reject(new Error(`The WhatsApp sandbox stopped before it started (exit code ${code})`)))
    child.once('error', reject)
  })
  return {
    ...ready,
    accessToken,
    appSecret,
    verifyToken,
    stop: () => stopChild(child),
  }
}

interface SandboxCredentials {
  accessToken: string
  appSecret: string
  verifyToken: string
}

function newCredentials(): SandboxCredentials {
  return {
    accessToken: randomBytes(24).toString('base64url'),
    appSecret: randomBytes(24).toString('hex'),
    verifyToken: randomBytes(12).toString('hex'),
  }
}

/**
 * The sandbox's token and secret, made once and kept in its folder (owner-only). They guard a local
 * stand-in that holds only test conversations, so they are not a credential worth the keychain.
 */
export function sandboxCredentials(stateDir: string): SandboxCredentials {
  const file = join(stateDir, 'credentials.json')
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SandboxCredentials>
    if (saved.accessToken && saved.appSecret && saved.verifyToken) {
      return { accessToken: saved.accessToken, appSecret: saved.appSecret, verifyToken: saved.verifyToken }
    }
  }
  const credentials = newCredentials()
  mkdirSync(stateDir, { recursive: true })
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 })
  return credentials
}

/** The environment a child Node process needs: where programs and temporary files are, locale, time zone. */
const CHILD_ENV = ['PATH', 'HOME', 'USERPROFILE', 'TMPDIR', 'TMP', 'TEMP', 'SystemRoot', 'SYSTEMROOT', 'WINDIR', 'LANG', 'LC_ALL', 'TZ']

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]))
}

/** How long the sandbox gets to finish after SIGTERM before it is killed outright. */
const STOP_GRACE_MS = 5_000

function stopChild(child: SandboxChild): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    // A sandbox that hangs in its own shutdown must not hold the app's (or a test's) exit.
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    kill.unref()
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill()
  })
}

/**
 * The built sandbox (out/main/sandbox.js, beside this bundle or one folder up from its chunks), or
 * the source run through tsx.
 */
function sandboxCommand(execPath?: string): { command: string; args: string[] } {
  const here = dirname(fileURLToPath(import.meta.url))
  const built = [join(here, 'sandbox.js'), join(here, '..', 'sandbox.js')].find((p) => existsSync(p))
  if (built) return { command: execPath ?? process.execPath, args: [built] }
  const source = join(here, '..', 'sandbox', 'cli.ts')
  return { command: process.execPath, args: ['--import', 'tsx', source] }
}
