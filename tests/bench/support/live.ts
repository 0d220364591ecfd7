import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Store } from '../../../electron/core/db/store'
import { createEngine, type Engine, type EngineOptions, type SqliteEngine } from '../../../electron/core/engine'
import { orgPolicySchema } from '../../../electron/core/org/org-policy'
import { DEMO_USERS } from '../../../electron/launcher/demo-org'
import { createWhatsAppClient, type WhatsAppClient } from '../../../electron/core/whatsapp/client'
import { resolveWhatsAppConfig, withWhatsAppOverrides } from '../../../electron/core/whatsapp/config'
import { startHost, type Host } from '../../../electron/host/server'
import { startSandbox, type Sandbox } from '../../../electron/sandbox/server'
import { OffsetClock } from '../../../electron/shared/clock'

/**
 * A live Greenline for throughput/latency benchmarks, all in this process: the real sandbox
 * (fake Graph API posting signed webhooks), the engine, and the host's HTTP webhook endpoint,
 * sharing one OffsetClock. Outbound sends are observed by wrapping the engine's WhatsApp client.
 */

export interface SendRecord {
  to: string
  at: number
  kind: 'text' | 'template' | 'image'
}

export interface Live<E extends Engine = SqliteEngine> {
  clock: OffsetClock
  sandbox: Sandbox
  engine: E
  host: Host
  appSecret: string
  /** The host's access token (WebSocket subscribers connect with it). */
  token: string
  webhookUrl: string
  /** Accepted sends (Graph answered with a wamid), in order. */
  sends: SendRecord[]
  /** Called on every accepted send. */
  onSend: ((record: SendRecord) => void) | undefined
  /** Called when the host hands a webhook body to the engine (before verification). */
  onWebhook: ((body: Buffer, at: number) => void) | undefined
  call<T = unknown>(channel: string, payload?: unknown, userId?: string): Promise<T>
  /** Sandbox webhooks delivered and everything the engine had to do done. */
  quiet(): Promise<void>
  close(): Promise<void>
}

export interface LiveOptions {
  dataDir: string
  users?: Array<{ phone: string; name: string }>
  limits?: { messagesPerSecond?: number; pairBurst?: number; pairRefillMs?: number }
  scheduler?: EngineOptions['scheduler']
  /** Skip the sandbox (webhook ingest only). */
  noSandbox?: boolean
  /** Run the engine on this store (PostgreSQL) instead of SQLite in `dataDir`; its caller closes it. */
  store?: Store
}

export async function startLive(options: LiveOptions & { store?: undefined }): Promise<Live>
export async function startLive(options: LiveOptions): Promise<Live<Engine>>
export async function startLive(options: LiveOptions): Promise<Live<Engine>> {
  const clock = new OffsetClock()
  const accessToken = randomBytes(16).toString('hex')
  const appSecret = randomBytes(16).toString('hex')
  const sandbox = options.noSandbox
    ? undefined
    : await startSandbox({ clock, accessToken, appSecret, users: (options.users ?? []).map((u) => ({ ...u, onWhatsApp: true })) })
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox?.url ?? 'http://127.0.0.1:9',
    accessToken,
    appSecret,
    verifyToken: 'bench-verify',
    ...(sandbox ? { phoneNumberId: sandbox.phoneNumberId, wabaId: sandbox.wabaId } : {}),
  })
  const org = orgPolicySchema.parse({ name: 'Greenline Bench', users: DEMO_USERS, ...(options.limits ? { limits: options.limits } : {}) })
  const live = {} as Live<Engine>
  live.sends = []
  const record = (to: string | undefined, kind: SendRecord['kind']) => {
    const entry = { to: to ?? '', at: performance.now(), kind }
    live.sends.push(entry)
    live.onSend?.(entry)
  }
  const inner = createWhatsAppClient(whatsapp, { clock })
  const client: WhatsAppClient = {
    ...inner,
    async sendText(input) {
      const result = await inner.sendText(input)
      if (result.ok) record(input.to ?? input.recipient, 'text')
      return result
    },
    async sendTemplate(input) {
      const result = await inner.sendTemplate(input)
      if (result.ok) record(input.to ?? input.recipient, 'template')
      return result
    },
    async sendImage(input) {
      const result = await inner.sendImage(input)
      if (result.ok) record(input.to ?? input.recipient, 'image')
      return result
    },
  }
  mkdirSync(options.dataDir, { recursive: true })
  const engineOptions = { dataDir: options.dataDir, org, clock, whatsapp, whatsappClient: client, scheduler: options.scheduler }
  const engine: Engine = options.store ? createEngine({ ...engineOptions, store: options.store }) : createEngine(engineOptions)
  const receive = engine.webhooks.receive.bind(engine.webhooks)
  engine.webhooks.receive = (body, signature) => {
    live.onWebhook?.(body, performance.now())
    return receive(body, signature)
  }
  const rendererDir = join(options.dataDir, 'no-renderer')
  mkdirSync(rendererDir, { recursive: true })
  const token = randomBytes(16).toString('hex')
  const host = await startHost({ engine, token, rendererDir })
  const webhookUrl = `${host.url}/webhooks/whatsapp`
  sandbox?.setWebhookUrl(webhookUrl)
  await engine.start()
  Object.assign(live, {
    clock,
    sandbox,
    engine,
    host,
    appSecret,
    token,
    webhookUrl,
    onSend: undefined,
    onWebhook: undefined,
    async call<T>(channel: string, payload: unknown = {}, userId = 'priya'): Promise<T> {
      const result = await engine.dispatch({ userId }, channel, payload)
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`)
      return result.value as T
    },
    async quiet() {
      for (let i = 0; i < 3; i++) {
        if (sandbox) await sandbox.idle()
        await engine.settled()
      }
    },
    async close() {
      await host.close()
      await engine.close()
      await sandbox?.close()
    },
  })
  return live
}

/** Synthetic WhatsApp users for the sandbox: +1 650 7xx xxxx, unique per index. */
export function benchUsers(count: number, offset = 0): Array<{ phone: string; name: string }> {
  return Array.from({ length: count }, (_, i) => ({
    phone: `+1650${String(7_000_000 + offset + i).padStart(7, '0')}`,
    name: `Bench User ${offset + i}`,
  }))
}

/**
 * Saves each user as a contact, starts a WhatsApp thread (the opt-in request goes out) and, unless
 * `consent` is false, has the user tap "yes" so consent is granted and the 24-hour window is open.
 * Returns the conversation id per phone.
 */
export async function onboard(live: Live, users: Array<{ phone: string; name: string }>, consent = true): Promise<Map<string, string>> {
  const conversations = new Map<string, string>()
  for (const user of users) {
    const contact = await live.call<{ id: string }>('contacts:create', { name: user.name, phone: user.phone })
    const conversation = await live.call<{ id: string }>('conversations:start', { contactId: contact.id, channel: 'whatsapp' })
    conversations.set(user.phone, conversation.id)
  }
  await live.quiet()
  if (consent) {
    for (const user of users) live.sandbox.userWrites(user.phone, { buttonPayload: 'CONSENT_YES' })
    await live.quiet()
  }
  return conversations
}
