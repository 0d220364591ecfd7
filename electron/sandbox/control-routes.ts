import type { IncomingMessage, ServerResponse } from 'node:http'
import { ControlError, type SandboxContext } from './context'
import type { ChatEntry, SimUser } from './directory'
import { BodyTooLargeError, hasLoopbackHost, isJsonRequest, isLoopback, readBody, sendBytes, sendJson } from './http-util'
import { setAccountRoute, setTemplateRoute, setUserFailureRoute } from './operations'
import { normalizePhone } from './phone'
import { TEMPLATES } from './templates'
import { userDropsVoicemail, userSendsSms } from './sms'
import { requireUser, userReads, userWrites } from './user-actions'

const BODY_LIMIT = 8 * 1024 * 1024

/**
 * The sandbox's own control API (`/sandbox/...`): loopback only, no bearer. POSTs must be JSON so
 * a web page elsewhere cannot drive it with a simple cross-origin form post.
 */
export async function handleControl(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  segments: string[],
  url: URL,
): Promise<void> {
  try {
    if (!isLoopback(req) || !hasLoopbackHost(req)) throw new ControlError(403, 'The sandbox control API answers loopback requests only')
    const method = req.method ?? 'GET'
    let body: unknown
    if (method === 'POST') {
      if (!isJsonRequest(req)) throw new ControlError(415, 'Send JSON (content-type: application/json)')
      const raw = await readBody(req, BODY_LIMIT)
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {}
      } catch {
        throw new ControlError(400, 'The body is not valid JSON')
      }
    }
    const result = route(ctx, method, segments.slice(1), url, body)
    // Whoever shares this clock hears about a jump before the caller gets its answer.
    if (method === 'POST' && segments[1] === 'clock') await ctx.clockAdvanced?.()
    if (result instanceof Binary) return sendBytes(res, result.mimeType, result.bytes)
    sendJson(res, method === 'POST' && result.created ? 201 : 200, result.value)
  } catch (error) {
    if (error instanceof ControlError) return sendJson(res, error.status, { error: error.message })
    if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'Body too large' })
    throw error
  }
}

class Binary {
  constructor(
    readonly mimeType: string,
    readonly bytes: Buffer,
  ) {}
}

type Result = { value: unknown; created?: boolean } | Binary

function route(ctx: SandboxContext, method: string, path: string[], url: URL, body: unknown): Result {
  const [resource, id, action] = path
  const key = `${method} ${resource ?? ''}${id !== undefined ? '/:id' : ''}${action ? `/${action}` : ''}`
  switch (key) {
    case 'GET users':
      return { value: ctx.directory.list().map((user) => publicUser(ctx, user)) }
    case 'POST users':
      return addUser(ctx, body)
    case 'POST users/:id/messages':
      return { value: chatView(userWrites(ctx, requireUser(ctx, id), body)), created: true }
    case 'POST users/:id/read':
      return { value: { read: userReads(ctx, requireUser(ctx, id)) } }
    case 'POST users/:id/sms':
      return { value: chatView(userSendsSms(ctx, requireUser(ctx, id), body)), created: true }
    case 'POST users/:id/voicemail':
      return { value: chatView(userDropsVoicemail(ctx, requireUser(ctx, id), body)), created: true }
    case 'GET users/:id/chat': {
      const user = requireUser(ctx, id)
      const business = { name: ctx.business.name, displayPhoneNumber: ctx.business.displayPhoneNumber }
      return { value: { user: publicUser(ctx, user), business, now: ctx.clock.now(), messages: user.chat.map(chatView) } }
    }
    case 'GET deliveries':
      return { value: deliveries(ctx, url) }
    case 'GET media/:id': {
      const record = ctx.media.get(id)
      if (!record) throw new ControlError(404, 'No such media')
      return new Binary(record.mimeType, record.bytes)
    }
    case 'GET clock':
      return { value: { now: ctx.clock.now() } }
    case 'POST clock':
      return { value: { now: advanceClock(ctx, body) } }
    case 'GET chaos':
      return { value: ctx.chaos }
    case 'POST chaos':
      return { value: setChaos(ctx, body) }
    case 'GET webhooks':
      return { value: { ...ctx.webhooks.stats(), url: ctx.webhooks.url('whatsapp') ?? null, smsUrl: ctx.webhooks.url('sms') ?? null } }
    case 'GET account':
      return { value: ctx.operations.account }
    case 'POST account':
      return { value: setAccountRoute(ctx, body) }
    case 'POST users/:id/failure':
      return { value: setUserFailureRoute(ctx, id, body) }
    case 'POST templates/:id':
      return { value: setTemplateRoute(ctx, TEMPLATES, id, body) }
    case 'GET reads':
      return { value: ctx.businessReads }
    default:
      throw new ControlError(404, `No route ${method} /sandbox/${path.join('/')}`)
  }
}

function publicUser(ctx: SandboxContext, user: SimUser): object {
  return {
    phone: user.phone,
    name: user.name,
    onWhatsApp: user.onWhatsApp,
    ...(user.username ? { username: user.username } : { waId: user.waId }),
    userId: user.userId,
    lastInboundAt: user.lastInboundAt ?? null,
    windowOpen: ctx.directory.windowOpen(user, ctx.clock.now()),
  }
}

function addUser(ctx: SandboxContext, body: unknown): Result {
  const input = (body ?? {}) as Record<string, unknown>
  const phone = typeof input.phone === 'string' && input.phone.trim().startsWith('+') ? normalizePhone(input.phone) : null
  if (!phone) throw new ControlError(400, 'phone must be in E.164 form, e.g. +14155550123')
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (!name || name.length > 100) throw new ControlError(400, 'name is required (at most 100 characters)')
  if (input.onWhatsApp !== undefined && typeof input.onWhatsApp !== 'boolean') throw new ControlError(400, 'onWhatsApp must be a boolean')
  if (input.waId !== undefined && (typeof input.waId !== 'string' || !/^\d{8,15}$/.test(input.waId)))
    throw new ControlError(400, 'waId must be 8 to 15 digits')
  if (input.username !== undefined && (typeof input.username !== 'string' || !/^[a-z0-9._]{3,35}$/i.test(input.username)))
    throw new ControlError(400, 'username must be 3 to 35 letters, digits, dots or underscores')
  const existed = !!ctx.directory.get(phone)
  const user = ctx.directory.upsert(phone, name, input.onWhatsApp !== false, {
    waId: input.waId,
    username: input.username,
  })
  return { value: publicUser(ctx, user), created: !existed }
}

/** A chat line as the simulator page and tests see it. */
export function chatView(entry: ChatEntry): object {
  const { readByBusiness, ...rest } = entry
  return { ...rest, readByBusiness: readByBusiness ?? false }
}

function deliveries(ctx: SandboxContext, url: URL): DeliveryView[] {
  const rawPhone = url.searchParams.get('phone')
  const phone = rawPhone ? normalizePhone(rawPhone) : undefined
  if (rawPhone && !phone) throw new ControlError(400, 'phone is not a valid phone number')
  return deliveryLog(ctx, phone ?? undefined, url.searchParams.get('withBytes') === '1')
}

/** One line of the delivery log (what a user received); fields absent from the message are left out. */
export interface DeliveryView {
  phone: string
  channel: 'whatsapp' | 'sms' | 'voicemail'
  id: string
  wamid?: string
  type: string
  text?: string
  caption?: string
  mediaId?: string
  mimeType?: string
  template?: { name: string; language: string; params: string[] }
  buttons?: Array<{ index: number; text: string; payload: string }>
  reaction?: { messageId: string; emoji: string }
  contextId?: string
  clientRef?: string
  status?: string
  bizOpaqueCallbackData: string | null
  at: number
  bytesBase64?: string
}

/** The delivery log in order, for one phone or everyone; `withBytes` inlines media as base64. */
export function deliveryLog(ctx: SandboxContext, phone?: string, withBytes = false): DeliveryView[] {
  return ctx.directory.deliveries(phone).map(({ user, entry }) => ({
    phone: user.phone,
    channel: entry.channel,
    id: entry.id,
    wamid: entry.channel === 'whatsapp' ? entry.id : undefined,
    type: entry.type,
    text: entry.text,
    caption: entry.caption,
    mediaId: entry.mediaId,
    mimeType: entry.mimeType,
    template: entry.template,
    buttons: entry.buttons,
    reaction: entry.reaction,
    contextId: entry.contextId,
    clientRef: entry.clientRef,
    status: entry.status,
    bizOpaqueCallbackData: entry.bizOpaqueCallbackData ?? null,
    at: entry.at,
    ...(withBytes && entry.mediaId ? { bytesBase64: ctx.media.get(entry.mediaId)?.bytes.toString('base64') } : {}),
  }))
}

function advanceClock(ctx: SandboxContext, body: unknown): number {
  const advanceMs = Number((body as { advanceMs?: unknown } | null)?.advanceMs)
  if (!Number.isFinite(advanceMs) || advanceMs < 0) throw new ControlError(400, 'advanceMs must be a number ≥ 0')
  const clock = ctx.clock as { advance?: (ms: number) => number }
  if (typeof clock.advance !== 'function') throw new ControlError(409, 'This sandbox clock cannot be advanced')
  clock.advance(advanceMs)
  return ctx.clock.now()
}

function setChaos(ctx: SandboxContext, body: unknown): object {
  const input = (body ?? {}) as Record<string, unknown>
  for (const key of ['duplicate', 'shuffle', 'fail5xx', 'dropResponse'] as const) {
    if (input[key] === undefined) continue
    const rate = Number(input[key])
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new ControlError(400, `${key} must be a rate from 0 to 1`)
    ctx.chaos[key] = rate
  }
  return ctx.chaos
}
