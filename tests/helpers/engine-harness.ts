import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEngine, type SqliteEngine, type EngineOptions } from '../../electron/core/engine'
import { outboxCounts } from '../../electron/core/db/repositories/outbox'
import type { OrgPolicy } from '../../electron/core/org/org-policy'
import { demoOrgPolicy } from '../../electron/launcher/demo-org'
import { resolveWhatsAppConfig, withWhatsAppOverrides, type WhatsAppConfig } from '../../electron/core/whatsapp/config'
import { createWhatsAppClient, type WhatsAppClient } from '../../electron/core/whatsapp/client'
import { signWebhookBody } from '../../electron/core/whatsapp/signature'
import { startHost, type Host } from '../../electron/host/server'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../electron/sandbox/server'
import type { EventChannel, EventPayloads, RequestChannel, RequestOf, ValueOf } from '../../electron/shared/api/contract'
import type { ApiError, Result } from '../../electron/shared/api/result'
import { OffsetClock } from '../../electron/shared/clock'
import type { Contact, Conversation, Message } from '../../electron/shared/domain'
import { seededRandom } from '../../electron/shared/random'
export { seededRandom }

export const ACCESS_TOKEN = 'harness-access-token'
export const APP_SECRET = 'harness-app-secret'
export const VERIFY_TOKEN = 'harness-verify-token'
export const ANA = '+14155550101'
export const BEN = '+14155550102'
export const CHLOE = '+14155550103'
export const DAN = '+14155550199'

/** A failed request, as the renderer would see it. */
export class RequestFailed extends Error {
  constructor(readonly error: ApiError) {
    super(`${error.code}: ${error.message}`)
  }
}

export type Caller = <C extends RequestChannel>(channel: C, payload: RequestOf<C>) => Promise<ValueOf<C>>

export interface HarnessOptions {
  sandbox?: Partial<Omit<SandboxOptions, 'clock' | 'accessToken' | 'appSecret'>>
  engine?: Partial<Omit<EngineOptions, 'dataDir' | 'clock' | 'whatsapp' | 'store'>>
  org?: OrgPolicy
  /** Reuse a data folder (restart tests); a fresh temporary one otherwise. */
  dataDir?: string
  /** Seed for the engine's and the sandbox's random numbers. */
  seed?: number
}

export interface EngineHarness {
  clock: OffsetClock
  sandbox: Sandbox
  engine: SqliteEngine
  host: Host
  dataDir: string
  whatsapp: WhatsAppConfig
  /** Every send the engine's client made and how it ended: 'ok' or the error kind and code. */
  sends: Array<{ outcome: string; code?: number; details?: string }>
  /** `http://127.0.0.1:<port>/webhooks/whatsapp` on the real host. */
  webhookUrl: string
  /** Requests as an org user; a failure throws RequestFailed. */
  as(userId: string): Caller
  /** Requests as an org user, the result as data. */
  raw(userId: string, channel: RequestChannel, payload: unknown): Promise<Result<unknown>>
  /** Events an org user received so far (subscribed from the start). */
  events<E extends EventChannel>(userId: string, event: E): Array<EventPayloads[E]>
  /** Posts bytes to the webhook endpoint, signed with the app secret unless `signature` is given (null: none). */
  postWebhook(body: string | Buffer, signature?: string | null): Promise<{ status: number; text: string }>
  /** Waits until webhooks, sends and their status webhooks have all been handled. */
  settle(): Promise<void>
  /** Like settle, and moves the clock to every retry that is due later until nothing but held rows remain. */
  drain(maxSteps?: number): Promise<void>
  /** A saved contact for a sandbox user and priya's WhatsApp conversation with them. */
  openChat(
    phone: string,
    name: string,
    options?: { userId?: string; requestConsent?: boolean },
  ): Promise<{ contact: Contact; conversation: Conversation }>
  /** Messages of a conversation, oldest first. */
  thread(conversationId: string, userId?: string): Promise<Message[]>
  /** Stops the engine and the host (the sandbox keeps running); `restart` brings them back on the same data. */
  stopEngine(): Promise<void>
  restart(): Promise<void>
  close(): Promise<void>
}

const USERS = ['priya', 'sam', 'alex']

export async function startEngineHarness(options: HarnessOptions = {}): Promise<EngineHarness> {
  const clock = new OffsetClock()
  const seed = options.seed ?? 1
  const sandbox = await startSandbox({
    clock,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    random: seededRandom(seed * 7919),
    ...options.sandbox,
  })
  const whatsapp = withWhatsAppOverrides(resolveWhatsAppConfig({ env: {} }), {
    baseUrl: sandbox.url,
    accessToken: ACCESS_TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    phoneNumberId: sandbox.phoneNumberId,
    wabaId: sandbox.wabaId,
  })
  const ownsDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'greenline-engine-'))
  const sends: EngineHarness['sends'] = []
  const client = recordingClient(createWhatsAppClient(whatsapp, { timeoutMs: 5000, clock }), sends)
  const received = new Map<string, Array<{ event: EventChannel; payload: unknown }>>()

  let engine!: SqliteEngine
  let host!: Host
  let port = 0
  const boot = async () => {
    engine = createEngine({
      dataDir,
      org: options.org ?? demoOrgPolicy(),
      clock,
      whatsapp,
      random: seededRandom(seed),
      whatsappClient: client,
      ...options.engine,
    })
    for (const userId of USERS) {
      const list = received.get(userId) ?? []
      received.set(userId, list)
      engine.subscribe(userId, (event, payload) => list.push({ event, payload }))
    }
    host = await startHost({ engine, token: 'harness-token', port, rendererDir: join(dataDir, 'no-renderer') })
    port = host.port
    sandbox.setWebhookUrl(`${host.url}/webhooks/whatsapp`)
    await engine.start()
  }
  await boot()

  const raw = (userId: string, channel: RequestChannel, payload: unknown) => engine.dispatch({ userId }, channel, payload)
  const as =
    (userId: string): Caller =>
    async (channel, payload) => {
      const result = await raw(userId, channel, payload)
      if (!result.ok) throw new RequestFailed(result.error)
      return result.value as never
    }

  let engineRunning = true
  const settle = async () => {
    for (let round = 0; round < 1000; round++) {
      await sandbox.idle()
      if (engineRunning) await engine.settled()
      const stats = sandbox.webhookStats()
      const pendingEvents = engineRunning
        ? (engine.db.prepare(`SELECT count(*) AS n FROM webhook_events WHERE state = 'pending'`).get() as { n: number }).n
        : 0
      if (stats.pending === 0 && pendingEvents === 0 && (!engineRunning || engine.scheduler.inFlightCount === 0)) {
        // One more turn of the event loop: a send that just finished may have queued webhooks.
        await new Promise((resolve) => setImmediate(resolve))
        if (sandbox.webhookStats().pending === 0) return
      }
    }
    throw new Error('The engine and the sandbox did not settle')
  }

  /** Nothing in flight anywhere right now (work due later, e.g. a retry, may remain). */
  const quiet = async () => {
    for (let round = 0; round < 100_000; round++) {
      await sandbox.idle()
      await engine.webhooks.drained()
      await engine.downloader.settled()
      await new Promise((resolve) => setImmediate(resolve))
      const pendingEvents = (engine.db.prepare(`SELECT count(*) AS n FROM webhook_events WHERE state = 'pending'`).get() as { n: number }).n
      if (engine.scheduler.inFlightCount === 0 && sandbox.webhookStats().pending === 0 && pendingEvents === 0) return
    }
    throw new Error('The engine and the sandbox did not quiet down')
  }

  const harness: EngineHarness = {
    clock,
    sandbox,
    get engine() {
      return engine
    },
    get host() {
      return host
    },
    dataDir,
    whatsapp,
    sends,
    get webhookUrl() {
      return `${host.url}/webhooks/whatsapp`
    },
    as,
    raw,
    events: (userId, event) =>
      (received.get(userId) ?? []).filter((e) => e.event === event).map((e) => e.payload as EventPayloads[typeof event]),
    async postWebhook(body, signature) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      const header = signature === undefined ? signWebhookBody(bytes, APP_SECRET) : signature
      if (header !== null) headers['x-hub-signature-256'] = header
      const response = await fetch(`${host.url}/webhooks/whatsapp`, { method: 'POST', headers, body: new Uint8Array(bytes) })
      return { status: response.status, text: await response.text() }
    },
    settle,
    async drain(maxSteps = 200) {
      for (let step = 0; step < maxSteps; step++) {
        await quiet()
        const counts = outboxCounts(engine.db)
        if (counts.ready + counts.leased === 0) return settle()
        const next = engine.db
          .prepare(`SELECT min(CASE WHEN state = 'leased' THEN lease_until ELSE due_at END) AS due FROM outbox WHERE state != 'held'`)
          .get() as { due: number | null }
        // Time jumps straight to the next retry (or past a rate limit's pause): no real waiting for backoff.
        const wait = (next.due ?? clock.now()) - clock.now()
        clock.advance(wait > 0 ? wait + 1 : 250)
      }
      throw new Error('The outbox did not drain')
    },
    async openChat(phone, name, opts = {}) {
      const call = as(opts.userId ?? 'priya')
      const contact = await call('contacts:create', { name, phone })
      const conversation = await call('conversations:start', {
        contactId: contact.id,
        channel: 'whatsapp',
        requestConsent: opts.requestConsent ?? false,
      })
      return { contact, conversation }
    },
    async thread(conversationId, userId = 'priya') {
      return (await as(userId)('messages:list', { conversationId, limit: 500 })).slice().sort((a, b) => a.seq - b.seq)
    },
    async stopEngine() {
      if (!engineRunning) return
      engineRunning = false
      await host.close()
      await engine.close()
    },
    async restart() {
      await harness.stopEngine()
      await boot()
      engineRunning = true
    },
    async close() {
      await harness.stopEngine()
      await sandbox.close()
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return harness
}

function recordingClient(client: WhatsAppClient, sends: EngineHarness['sends']): WhatsAppClient {
  const record =
    <A extends unknown[], R extends { ok: boolean; error?: { kind: string; code?: number; details?: string } }>(
      call: (...args: A) => Promise<R>,
    ) =>
    async (...args: A): Promise<R> => {
      const result = await call(...args)
      sends.push(result.ok ? { outcome: 'ok' } : { outcome: result.error!.kind, code: result.error!.code, details: result.error!.details })
      return result
    }
  return {
    ...client,
    sendText: record(client.sendText),
    sendTemplate: record(client.sendTemplate),
    sendImage: record(client.sendImage),
  }
}

/** A Cloud API `messages` webhook as Meta sends it, around one change `value`, for one business number. */
export function messagesWebhook(value: Record<string, unknown>, phoneNumberId = '106540352242922'): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  })
}

/** One inbound text from `waId`. */
export function inboundTextWebhook(input: { waId: string; id: string; text: string; at: number; name?: string; userId?: string }): string {
  return messagesWebhook({
    contacts: [{ profile: { name: input.name ?? 'WhatsApp user' }, wa_id: input.waId, ...(input.userId ? { user_id: input.userId } : {}) }],
    messages: [
      { from: input.waId, id: input.id, timestamp: String(Math.floor(input.at / 1000)), type: 'text', text: { body: input.text } },
    ],
  })
}

/** One status for an outbound message. */
export function statusWebhook(input: {
  id: string
  status: 'sent' | 'delivered' | 'read' | 'failed'
  recipient: string
  at: number
  bizOpaque?: string
  errorCode?: number
}): string {
  return messagesWebhook({
    statuses: [
      {
        id: input.id,
        status: input.status,
        timestamp: String(Math.floor(input.at / 1000)),
        recipient_id: input.recipient,
        ...(input.bizOpaque ? { biz_opaque_callback_data: input.bizOpaque } : {}),
        ...(input.errorCode
          ? { errors: [{ code: input.errorCode, title: 'error', message: 'error', error_data: { details: 'details' } }] }
          : {}),
      },
    ],
  })
}
