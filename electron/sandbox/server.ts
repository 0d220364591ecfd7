import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Clock } from '../shared/clock'
import { ControlError, type ChaosRates, type SandboxContext } from './context'
import { chatView, deliveryLog, handleControl, type DeliveryView } from './control-routes'
import { appendChat, DEFAULT_USERS, Directory } from './directory'
import { GraphError, graphErrorBody } from './graph-errors'
import { handleGraph, isGraphPath } from './graph-routes'
import { bearerMatches, hasLoopbackHost, isLoopback, readBody, sendBytes, sendJson } from './http-util'
import { MediaStore } from './media-store'
import { SandboxOperations } from './operations'
import { normalizePhone } from './phone'
import { RateLimiter, type RateLimits } from './rate-limits'
import { SIMULATOR_HTML } from './simulator-html'
import { SIMULATOR_JS } from './simulator-script'
import { SIMULATOR_CSS } from './simulator-style'
import { sendSms, userDropsVoicemail, userSendsSms } from './sms'
import { handleTwilio, isTwilioPath } from './twilio-routes'
import { TwilioSurface } from './twilio-surface'
import { SandboxStateStore } from './state-store'
import { requireUser, userReads, userWrites, type UserInput } from './user-actions'
import { WebhookQueue } from './webhook-queue'

export type { DeliveryView } from './control-routes'
export type { UserInput } from './user-actions'
export { signBody } from './webhook-queue'

export interface SandboxOptions {
  clock: Clock
  host?: string
  port?: number
  accessToken: string
  appSecret: string
  phoneNumberId?: string
  wabaId?: string
  /** Digits only, as in webhook metadata (a leading `+` is dropped). */
  displayPhoneNumber?: string
  /** The business's display name, shown in the simulator's chat header (default "Greenline Sandbox"). */
  businessName?: string
  webhookUrl?: string
  smsWebhookUrl?: string
  users?: Array<{ phone: string; name: string; onWhatsApp?: boolean }>
  /** Chaos decisions; default Math.random. */
  random?: () => number
  /** How 131047 is reported: a synchronous 400 (default) or 200 then a `failed` status webhook. */
  windowErrorMode?: 'sync' | 'webhook'
  /** Throughput (130429) and pair (131056) limits; off unless given. */
  limits?: RateLimits
  /** Webhook deliveries posted at once; default 1 (in order). Meta's are concurrent. */
  webhookConcurrency?: number
  /** Awaited after each clock jump through the control API (the embedding app syncs its clock). */
  clockAdvanced?: () => Promise<void>
  /**
   * A folder to keep users, chats (the delivery log) and unsent webhooks in, so a restart goes on
   * where the last run stopped (see state-store.ts). Without it everything lives in memory.
   */
  stateDir?: string
}

export interface SandboxUser {
  phone: string
  name: string
  onWhatsApp: boolean
  waId: string
  userId: string
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:41234`; Graph calls go to `${url}/v24.0/...`. */
  url: string
  phoneNumberId: string
  wabaId: string
  displayPhoneNumber: string
  close(): Promise<void>
  setWebhookUrl(url: string): void
  setSmsWebhookUrl(url: string): void
  /** Resolves when no webhook delivery is queued, in flight or waiting for a retry. */
  idle(): Promise<void>
  /** Resolves when no webhook is queued or in flight; failed ones may still wait for their retry timer. */
  flushed(): Promise<void>
  users(): SandboxUser[]
  /** `waId`: a WhatsApp id that differs from the number; `username`: a user who hides their number. */
  addUser(user: { phone: string; name: string; onWhatsApp?: boolean; waId?: string; username?: string }): SandboxUser
  deliveries(phone?: string, options?: { withBytes?: boolean }): DeliveryView[]
  chat(phone: string): object[]
  /** The user writes on WhatsApp; returns the chat line (its `id` is the inbound wamid). Throws on bad input. */
  userWrites(phone: string, input: UserInput): { id: string }
  /** The user reads the chat; returns how many messages turned read. */
  userReads(phone: string): number
  userSendsSms(phone: string, text: string): { id: string }
  userDropsVoicemail(phone: string, options?: { durationMs?: number; transcript?: string }): { id: string }
  setChaos(rates: Partial<ChaosRates>): void
  webhookStats(): { pending: number; held: number; delivered: number; dropped: number; posts: number }
}

export const DEFAULT_PHONE_NUMBER_ID = '106540352242922'
export const DEFAULT_WABA_ID = '102290129340398'
export const DEFAULT_DISPLAY_PHONE_NUMBER = '15550783881'

/** Starts the WhatsApp Cloud API stand-in; resolves once it listens. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const directory = new Directory()
  const state = options.stateDir ? new SandboxStateStore(options.stateDir) : undefined
  const saved = state?.load()
  for (const user of saved?.users ?? []) {
    const restored = directory.upsert(user.phone, user.name, user.onWhatsApp, { waId: user.waId, username: user.username })
    if (user.lastInboundAt !== undefined) restored.lastInboundAt = user.lastInboundAt
    for (const entry of user.chat) appendChat(restored, entry)
  }
  for (const user of options.users ?? DEFAULT_USERS) {
    const phone = normalizePhone(user.phone)
    if (!phone) throw new Error(`Invalid sandbox user phone: ${user.phone}`)
    // A user the saved state knows keeps what happened to them since (name, reachability).
    if (!directory.get(phone)) directory.upsert(phone, user.name, user.onWhatsApp !== false)
  }
  if (state) directory.onUserChange = (user) => state.userChanged(user)
  const random = options.random ?? Math.random
  const chaos: ChaosRates = { duplicate: 0, shuffle: 0, fail5xx: 0, dropResponse: 0 }
  const webhooks = new WebhookQueue({
    clock: options.clock,
    appSecret: options.appSecret,
    random,
    chaos: () => chaos,
    concurrency: options.webhookConcurrency,
    journal: state,
  })
  let baseUrl = ''
  const ctx: SandboxContext = {
    clockAdvanced: options.clockAdvanced,
    clock: options.clock,
    accessToken: options.accessToken,
    business: {
      wabaId: options.wabaId ?? DEFAULT_WABA_ID,
      phoneNumberId: options.phoneNumberId ?? DEFAULT_PHONE_NUMBER_ID,
      displayPhoneNumber: (options.displayPhoneNumber ?? DEFAULT_DISPLAY_PHONE_NUMBER).replace(/\D/g, ''),
      name: options.businessName?.trim() || 'Greenline Sandbox',
    },
    random,
    windowErrorMode: options.windowErrorMode ?? 'sync',
    directory,
    media: new MediaStore(),
    webhooks,
    limiter: options.limits ? new RateLimiter(options.clock, options.limits) : null,
    chaos,
    operations: new SandboxOperations(),
    businessReads: [],
    baseUrl: () => baseUrl,
  }
  webhooks.setUrl('whatsapp', options.webhookUrl)
  webhooks.setUrl('sms', options.smsWebhookUrl)
  // Twilio signs with the account's auth token: the sandbox's app secret plays that part.
  const twilio = new TwilioSurface(ctx, options.appSecret)
  if (state) {
    state.attach(() => directory.list())
    webhooks.restore(saved?.webhooks ?? [])
  }

  const server = http.createServer((req, res) => {
    if (state) flushBeforeAnswering(state, res)
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
    ;(isTwilioPath(url.pathname) ? handleTwilio(twilio, req, res, url) : handle(ctx, req, res)).catch(() => {
      // Never echo internals (or message bodies) back; the caller sees a generic failure.
      if (!res.headersSent) sendJson(res, 500, graphErrorBody(new GraphError(131000, 'Internal sandbox error')))
      else res.destroy()
    })
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  baseUrl = `http://${urlHost}:${port}`

  const userOrThrow = (phone: string) => requireUser(ctx, phone)
  return {
    url: baseUrl,
    phoneNumberId: ctx.business.phoneNumberId,
    wabaId: ctx.business.wabaId,
    displayPhoneNumber: ctx.business.displayPhoneNumber,
    close: async () => {
      state?.flush()
      webhooks.close()
      twilio.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    setWebhookUrl: (url) => webhooks.setUrl('whatsapp', url),
    setSmsWebhookUrl: (url) => webhooks.setUrl('sms', url),
    idle: async () => {
      await webhooks.idle()
      await twilio.webhooks.idle()
    },
    flushed: () => webhooks.flushed(),
    users: () => directory.list().map(({ phone, name, onWhatsApp, waId, userId }) => ({ phone, name, onWhatsApp, waId, userId })),
    addUser: (user) => {
      const phone = normalizePhone(user.phone)
      if (!phone) throw new ControlError(400, 'phone must be in E.164 form')
      const { name, onWhatsApp, waId, userId } = directory.upsert(phone, user.name, user.onWhatsApp !== false, {
        waId: user.waId,
        username: user.username,
      })
      return { phone, name, onWhatsApp, waId, userId }
    },
    deliveries: (phone, opts) => deliveryLog(ctx, phone ? (normalizePhone(phone) ?? phone) : undefined, opts?.withBytes),
    chat: (phone) => userOrThrow(phone).chat.map(chatView),
    userWrites: (phone, input) => userWrites(ctx, userOrThrow(phone), input),
    userReads: (phone) => userReads(ctx, userOrThrow(phone)),
    userSendsSms: (phone, text) => userSendsSms(ctx, userOrThrow(phone), { text }),
    userDropsVoicemail: (phone, opts) => userDropsVoicemail(ctx, userOrThrow(phone), opts ?? {}),
    setChaos: (rates) => Object.assign(chaos, rates),
    webhookStats: () => webhooks.stats(),
  }
}

/**
 * An answer acknowledges what the request changed (a message accepted, a user added), so the
 * change is on disk before the answer leaves; if it cannot be saved, no answer is given.
 */
function flushBeforeAnswering(state: SandboxStateStore, res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.end = ((...args: unknown[]) => {
    try {
      state.flush()
    } catch (error) {
      console.error('The sandbox could not save its state:', error instanceof Error ? error.message : error)
      return res.destroy()
    }
    return end(...args)
  }) as typeof res.end
}

async function handle(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
  let segments: string[]
  try {
    segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  } catch {
    return sendJson(res, 400, { error: 'Malformed path' })
  }
  if (segments[0] === 'sandbox') return handleControl(ctx, req, res, segments, url)
  if (isGraphPath(segments)) return handleGraph(ctx, req, res, segments, url)
  if (segments[0] === 'sms' && segments[1] === 'v1') return handleSmsApi(ctx, req, res, segments.slice(2))
  if (req.method === 'GET' && segments.length <= 1) return servePage(req, res, segments[0] ?? '')
  sendJson(res, 404, { error: 'Not found' })
}

/** The second provider: outbound SMS and voicemail audio, bearer-protected like Graph. */
async function handleSmsApi(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, path: string[]): Promise<void> {
  if (!bearerMatches(req, ctx.accessToken)) return sendJson(res, 401, { error: { code: 190, message: 'Invalid access token' } })
  try {
    if (req.method === 'POST' && path.length === 1 && path[0] === 'messages') {
      let body: unknown
      try {
        body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'))
      } catch {
        throw new GraphError(100, 'The request body is not valid JSON.')
      }
      return sendJson(res, 200, sendSms(ctx, body))
    }
    if (req.method === 'GET' && path.length === 2 && path[0] === 'media') {
      const record = ctx.media.get(path[1])
      if (!record) return sendJson(res, 404, { error: { code: 100, message: 'No such media' } })
      return sendBytes(res, record.mimeType, record.bytes)
    }
    sendJson(res, 404, { error: { code: 100, message: 'Unknown SMS API route' } })
  } catch (error) {
    if (error instanceof GraphError) return sendJson(res, error.httpStatus, { error: { code: error.code, message: error.details } })
    throw error
  }
}

const PAGE_FILES: Record<string, { type: string; body: string }> = {
  '': { type: 'text/html; charset=utf-8', body: SIMULATOR_HTML },
  'simulator.js': { type: 'text/javascript; charset=utf-8', body: SIMULATOR_JS },
  'simulator.css': { type: 'text/css; charset=utf-8', body: SIMULATOR_CSS },
}

function servePage(req: IncomingMessage, res: ServerResponse, name: string): void {
  if (name === 'favicon.ico') {
    res.writeHead(204).end()
    return
  }
  const file = PAGE_FILES[name]
  if (!file) return sendJson(res, 404, { error: 'Not found' })
  if (!isLoopback(req) || !hasLoopbackHost(req)) return sendJson(res, 403, { error: 'Loopback only' })
  res.writeHead(200, {
    'content-type': file.type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'",
  })
  res.end(file.body)
}
