/**
 * The WhatsApp sandbox as its own process for the crash test, as the app runs it: the real CLI with
 * a state folder (so it can be SIGKILLed and restarted where it stopped) on a fixed port, driven
 * through its loopback control API.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface DeliveredText {
  phone: string
  text: string
  at: number
}

export interface SandboxChild {
  url: string
  phoneNumberId: string
  wabaId: string
  /** SIGKILLs the sandbox; `restart` brings it back on the same port and state folder. */
  kill(): Promise<void>
  restart(): Promise<void>
  isUp(): boolean
  addUser(phone: string, name: string): Promise<void>
  userWrites(phone: string, text: string): Promise<void>
  /** Webhooks queued, in flight or waiting for a retry. */
  pendingWebhooks(): Promise<number>
  webhookStats(): Promise<{ delivered: number; dropped: number; posts: number }>
  /** Every text the users received, in delivery order. */
  deliveredTexts(): Promise<DeliveredText[]>
}

export async function startSandboxChild(options: {
  entry: { file: string; execArgv: string[] }
  cwd: string
  stateDir: string
  token: string
  secret: string
  webhookUrl: string
  port?: number
}): Promise<SandboxChild> {
  let child: ChildProcess | undefined
  let info = { url: '', phoneNumberId: '', wabaId: '' }
  let port = options.port ?? 0
  const start = async () => {
    const proc = spawn(
      process.execPath,
      [
        ...options.entry.execArgv,
        options.entry.file,
        '--json',
        '--exit-with-parent',
        '--port',
        String(port),
        '--state-dir',
        options.stateDir,
        '--webhook-url',
        options.webhookUrl,
        // Concurrent deliveries, as Meta sends them (statuses then arrive out of order too).
        '--webhook-concurrency',
        '4',
      ],
      {
        cwd: options.cwd,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GREENLINE_SANDBOX_TOKEN: options.token,
          GREENLINE_SANDBOX_APP_SECRET: options.secret,
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    )
    info = await new Promise((resolve, reject) => {
      createInterface({ input: proc.stdout }).on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line) as typeof info)
      })
      proc.once('exit', (code, signal) => reject(new Error(`sandbox exited early (code ${code}, signal ${signal})`)))
    })
    port = Number(new URL(info.url).port)
    child = proc
  }
  await start()
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${info.url}/sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${await response.text()}`)
    return response.json()
  }
  return {
    get url() {
      return info.url
    },
    get phoneNumberId() {
      return info.phoneNumberId
    },
    get wabaId() {
      return info.wabaId
    },
    isUp: () => child !== undefined,
    kill: async () => {
      const proc = child
      if (!proc) return
      child = undefined
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGKILL')
      await exited
    },
    restart: start,
    addUser: async (phone, name) => void (await control('POST', '/users', { phone, name })),
    userWrites: async (phone, text) => void (await control('POST', `/users/${encodeURIComponent(phone)}/messages`, { text })),
    pendingWebhooks: async () => ((await control('GET', '/webhooks')) as { pending: number }).pending,
    webhookStats: async () => (await control('GET', '/webhooks')) as { delivered: number; dropped: number; posts: number },
    deliveredTexts: async () =>
      ((await control('GET', '/deliveries')) as Array<{ phone: string; type: string; text?: string; at: number }>)
        .filter((delivery) => delivery.type === 'text')
        .map(({ phone, text, at }) => ({ phone, text: text ?? '', at })),
  }
}
