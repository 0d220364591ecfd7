import { randomBytes } from 'node:crypto'
import { ControlError, type SandboxContext } from './context'
import { appendChat, type ChatEntry, type SimUser } from './directory'
import { GraphError } from './graph-errors'
import { normalizePhone } from './phone'
import { sineWav } from './wav'

const MAX_SMS_CHARS = 1600

function smsId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`
}

/**
 * Outbound `POST /sms/v1/messages` `{ to, text, clientRef? }` → `{ id }`. A number nobody in the
 * directory owns becomes an SMS-only user, so the delivery is still visible. Throws GraphError
 * (100 / 131008) for bad input.
 */
export function sendSms(ctx: SandboxContext, body: unknown): { id: string } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof input.to !== 'string' || !input.to) throw new GraphError(131008, 'The parameter to is required.')
  if (typeof input.text !== 'string' || !input.text) throw new GraphError(131008, 'The parameter text is required.')
  if (input.text.length > MAX_SMS_CHARS) throw new GraphError(100, `text must be at most ${MAX_SMS_CHARS} characters long.`)
  const phone = normalizePhone(input.to)
  if (!phone) throw new GraphError(100, 'The recipient phone number is not valid.')
  const user = ctx.directory.get(phone) ?? ctx.directory.upsert(phone, phone, false)
  const id = smsId('SM')
  appendChat(user, {
    id,
    direction: 'out',
    channel: 'sms',
    type: 'sms',
    text: input.text,
    clientRef: typeof input.clientRef === 'string' ? input.clientRef : undefined,
    status: 'delivered',
    at: ctx.clock.now(),
  })
  return { id }
}

/** The user texts the office number: a signed `{ type:'sms', id, from, text, timestamp }` webhook. */
export function userSendsSms(ctx: SandboxContext, user: SimUser, body: unknown): ChatEntry {
  const text = (body as { text?: unknown } | null)?.text
  if (typeof text !== 'string' || !text.trim() || text.length > MAX_SMS_CHARS)
    throw new ControlError(400, `text must be 1 to ${MAX_SMS_CHARS} characters`)
  const at = ctx.clock.now()
  const entry = appendChat(user, { id: smsId('SM'), direction: 'in', channel: 'sms', type: 'sms', text, at })
  ctx.webhooks.enqueue('sms', { type: 'sms', id: entry.id, from: user.phone, text, timestamp: at })
  return entry
}

/**
 * The user leaves a voicemail: a real WAV clip stored in the sandbox, announced by a signed
 * `{ type:'voicemail', id, from, timestamp, durationMs, transcript?, audioUrl }` webhook. The audio
 * downloads from `audioUrl` with the bearer token.
 */
export function userDropsVoicemail(ctx: SandboxContext, user: SimUser, body: unknown): ChatEntry {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const durationMs = input.durationMs === undefined ? 3000 : Number(input.durationMs)
  if (!Number.isFinite(durationMs) || durationMs < 100 || durationMs > 60_000)
    throw new ControlError(400, 'durationMs must be between 100 and 60000')
  const transcript = typeof input.transcript === 'string' && input.transcript ? input.transcript : undefined
  const at = ctx.clock.now()
  const media = ctx.media.put(sineWav(durationMs), 'audio/wav', at)
  const entry = appendChat(user, {
    id: smsId('VM'),
    direction: 'in',
    channel: 'voicemail',
    type: 'voicemail',
    mediaId: media.id,
    mimeType: 'audio/wav',
    durationMs,
    transcript,
    at,
  })
  ctx.webhooks.enqueue('sms', {
    type: 'voicemail',
    id: entry.id,
    from: user.phone,
    timestamp: at,
    durationMs,
    ...(transcript ? { transcript } : {}),
    audioUrl: `${ctx.baseUrl()}/sms/v1/media/${media.id}`,
  })
  return entry
}
