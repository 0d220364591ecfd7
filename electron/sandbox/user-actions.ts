import { ControlError, newWamid, type SandboxContext } from './context'
import { appendChat, type ChatEntry, type SimUser } from './directory'
import { normalizePhone } from './phone'
import { sniffImage, MAX_IMAGE_BYTES } from './media-store'
import { inboundPayload, statusPayload } from './webhook-payloads'

/** What a simulated user can do in their WhatsApp chat with the business. */
export type UserInput =
  | { text: string; /** Quote this message of the chat (a reply with context). */ replyTo?: string }
  | { buttonPayload: string }
  | { buttonReplyId: string }
  | { imageBase64: string; mimeType: string; caption?: string }
  | { reaction: { messageId: string; emoji: string } }

export function requireUser(ctx: SandboxContext, rawPhone: string): SimUser {
  const phone = normalizePhone(rawPhone)
  const user = phone ? ctx.directory.get(phone) : undefined
  if (!user) throw new ControlError(404, `No simulated user with phone ${rawPhone}`)
  return user
}

/**
 * The user writes to the business: records it in their chat, refreshes their 24 h window and
 * posts the inbound webhook. Throws ControlError (400 bad input, 404 unknown target, 409 when the
 * action is impossible, e.g. tapping a button no template offered).
 */
export function userWrites(ctx: SandboxContext, user: SimUser, input: unknown): ChatEntry {
  if (!user.onWhatsApp) throw new ControlError(409, `${user.phone} is not on WhatsApp`)
  const now = ctx.clock.now()
  const wamid = newWamid(user.waId)
  const base = { id: wamid, direction: 'in' as const, channel: 'whatsapp' as const, at: now }
  const [entry, message] = build(ctx, user, input, base)
  user.lastInboundAt = now
  appendChat(user, entry)
  ctx.webhooks.enqueue('whatsapp', inboundPayload(ctx.business, user, wamid, now, message))
  return entry
}

type Base = Pick<ChatEntry, 'id' | 'direction' | 'channel' | 'at'>

function build(ctx: SandboxContext, user: SimUser, input: unknown, base: Base): [ChatEntry, Record<string, unknown>] {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
  if (typeof body.text === 'string') {
    if (!body.text.trim() || body.text.length > 4096) throw new ControlError(400, 'text must be 1 to 4096 characters')
    const quoted = typeof body.replyTo === 'string' ? ctx.directory.findEntry(user, body.replyTo) : undefined
    if (body.replyTo !== undefined && !quoted) throw new ControlError(404, 'replyTo must be a message in this chat')
    // As in Meta's webhook: a reply carries `context` with the quoted message and who sent it.
    const context = quoted && { from: quoted.direction === 'out' ? ctx.business.displayPhoneNumber : user.waId, id: quoted.id }
    return [
      { ...base, type: 'text', text: body.text, ...(quoted ? { contextId: quoted.id } : {}) },
      { type: 'text', text: { body: body.text }, ...(context ? { context } : {}) },
    ]
  }
  if (typeof body.buttonPayload === 'string') return buttonTap(ctx, user, body.buttonPayload, base)
  if (typeof body.buttonReplyId === 'string') return buttonReply(ctx, user, body.buttonReplyId, base)
  if (typeof body.imageBase64 === 'string') return image(ctx, body, base)
  if (typeof body.reaction === 'object' && body.reaction !== null)
    return reaction(ctx, user, body.reaction as Record<string, unknown>, base)
  throw new ControlError(400, 'Expected one of text, buttonPayload, buttonReplyId, imageBase64 + mimeType, reaction')
}

function buttonTap(ctx: SandboxContext, user: SimUser, payload: string, base: Base): [ChatEntry, Record<string, unknown>] {
  // The newest template whose buttons carry this payload (or label) is the one tapped.
  for (const entry of [...user.chat].reverse()) {
    if (entry.direction !== 'out' || entry.type !== 'template' || !entry.buttons) continue
    const button =
      entry.buttons.find((b) => b.payload === payload) ?? entry.buttons.find((b) => b.text.toLowerCase() === payload.toLowerCase())
    if (!button) continue
    return [
      { ...base, type: 'button', text: button.text, contextId: entry.id },
      {
        context: { from: ctx.business.displayPhoneNumber, id: entry.id },
        type: 'button',
        button: { payload: button.payload, text: button.text },
      },
    ]
  }
  throw new ControlError(409, 'No template with that button was received by this user')
}

function buttonReply(ctx: SandboxContext, user: SimUser, id: string, base: Base): [ChatEntry, Record<string, unknown>] {
  for (const entry of [...user.chat].reverse()) {
    const button = entry.direction === 'out' && entry.type === 'interactive' ? entry.buttons?.find((b) => b.payload === id) : undefined
    if (!button) continue
    return [
      { ...base, type: 'interactive', text: button.text, contextId: entry.id },
      {
        context: { from: ctx.business.displayPhoneNumber, id: entry.id },
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: button.payload, title: button.text } },
      },
    ]
  }
  throw new ControlError(409, 'No interactive message with that button was received by this user')
}

function image(ctx: SandboxContext, body: Record<string, unknown>, base: Base): [ChatEntry, Record<string, unknown>] {
  const bytes = Buffer.from(String(body.imageBase64), 'base64')
  const actual = sniffImage(bytes)
  if (!actual) throw new ControlError(400, 'imageBase64 must be a JPEG or PNG image')
  if (body.mimeType !== actual) throw new ControlError(400, `mimeType must match the image bytes (${actual})`)
  if (bytes.length > MAX_IMAGE_BYTES) throw new ControlError(400, 'Images must be at most 5 MB')
  const caption = typeof body.caption === 'string' && body.caption ? body.caption.slice(0, 1024) : undefined
  const now = ctx.clock.now()
  const record = ctx.media.put(bytes, actual, now)
  const url = `${ctx.baseUrl()}/lookaside/media/${ctx.media.issueUrlToken(record.id, now)}`
  return [
    { ...base, type: 'image', mediaId: record.id, mimeType: actual, caption },
    {
      type: 'image',
      image: { ...(caption ? { caption } : {}), mime_type: actual, sha256: record.sha256Base64, id: record.id, url },
    },
  ]
}

function reaction(ctx: SandboxContext, user: SimUser, body: Record<string, unknown>, base: Base): [ChatEntry, Record<string, unknown>] {
  const messageId = body.messageId
  const emoji = typeof body.emoji === 'string' ? body.emoji : ''
  if (typeof messageId !== 'string' || !ctx.directory.findEntry(user, messageId))
    throw new ControlError(404, 'reaction.messageId must be a message in this chat')
  // An empty emoji removes the reaction; Meta then leaves the `emoji` key out.
  return [
    { ...base, type: 'reaction', reaction: { messageId, emoji } },
    { type: 'reaction', reaction: emoji ? { message_id: messageId, emoji } : { message_id: messageId } },
  ]
}

/** The user opens the chat: a `read` status for every delivered message not yet read. */
export function userReads(ctx: SandboxContext, user: SimUser): number {
  const now = ctx.clock.now()
  let count = 0
  for (const entry of user.chat) {
    if (entry.direction !== 'out' || entry.channel !== 'whatsapp' || entry.status !== 'delivered') continue
    entry.status = 'read'
    count++
    ctx.webhooks.enqueue(
      'whatsapp',
      statusPayload(ctx.business, {
        wamid: entry.id,
        status: 'read',
        at: now,
        recipientId: user.waId,
        recipientUserId: user.userId,
        user,
        bizOpaqueCallbackData: entry.bizOpaqueCallbackData,
      }),
    )
  }
  if (count > 0) ctx.directory.touch(user)
  return count
}
