import type { SandboxContext } from './context'
import { newWamid } from './context'
import { appendChat, type ChatEntry, type SimUser } from './directory'
import { GraphError, UNDELIVERABLE_DETAILS, WINDOW_CLOSED_DETAILS, webhookError } from './graph-errors'
import { USER_FAILURE_DETAILS } from './operations'
import { normalizePhone, waIdOf } from './phone'
import { isMarkRead, parseMarkRead, parseSendRequest, type OutboundContent, type SendRequest } from './send-request'
import { pricingFor, statusPayload } from './webhook-payloads'

export interface SendOutcome {
  status: number
  body: unknown
  /** Chaos: the message went through but the HTTP response must be lost. */
  dropResponse?: boolean
}

/**
 * `POST /:version/:phoneNumberId/messages`: a send or a mark-as-read. Throws GraphError for
 * synchronous failures; undeliverable recipients get 200 and then a `failed` status webhook.
 */
export function handleMessagesPost(ctx: SandboxContext, body: unknown): SendOutcome {
  if (isMarkRead(body)) return markRead(ctx, parseMarkRead(body as Record<string, unknown>))
  const request = parseSendRequest(body, (template) => ctx.operations.statusOf(template))
  const recipient = resolveRecipient(ctx, request)
  if (ctx.random() < ctx.chaos.fail5xx) throw new GraphError(131000, 'Something went wrong. Please try again later.')
  if (ctx.limiter && !ctx.limiter.takeThroughput()) throw new GraphError(130429, 'Cloud API message throughput has been reached.')
  if (request.content.type === 'image' && request.content.mediaId) checkImage(ctx, request.content.mediaId)

  const wamid = newWamid(recipient.waId)
  const response = {
    messaging_product: 'whatsapp',
    contacts: [
      {
        input: request.input,
        // A username-only user's number (and so their WhatsApp id) is not shown to the business.
        ...(recipient.user?.username ? {} : { wa_id: recipient.waId }),
        ...(recipient.user ? { user_id: recipient.user.userId } : {}),
      },
    ],
    messages: [{ id: wamid }],
  }
  const user = recipient.user
  const userIdForFailure = request.recipientKind === 'bsuid' ? user?.userId : undefined
  if (!user || !user.onWhatsApp) {
    fail(ctx, wamid, recipient.waId, userIdForFailure, request, 131026, UNDELIVERABLE_DETAILS)
    return { status: 200, body: response }
  }
  const refusal = ctx.operations.userFailure(user.phone)
  if (refusal) {
    fail(ctx, wamid, user.waId, userIdForFailure, request, refusal, USER_FAILURE_DETAILS[refusal])
    return { status: 200, body: response }
  }
  const now = ctx.clock.now()
  if (request.content.type !== 'template' && !ctx.directory.windowOpen(user, now)) {
    if (ctx.windowErrorMode === 'sync') throw new GraphError(131047, WINDOW_CLOSED_DETAILS)
    fail(ctx, wamid, user.waId, userIdForFailure, request, 131047, WINDOW_CLOSED_DETAILS)
    return { status: 200, body: response }
  }
  if (ctx.limiter && !ctx.limiter.takePair(user.phone))
    throw new GraphError(
      131056,
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    )
  if (request.content.type === 'reaction' && !ctx.directory.findEntry(user, request.content.messageId)) {
    fail(ctx, wamid, user.waId, userIdForFailure, request, 131009, 'The message you are reacting to does not exist in this chat.')
    return { status: 200, body: response }
  }
  deliver(ctx, user, wamid, request)
  return { status: 200, body: response, dropResponse: ctx.random() < ctx.chaos.dropResponse }
}

function resolveRecipient(ctx: SandboxContext, request: SendRequest): { waId: string; user?: SimUser } {
  if (request.recipientKind === 'bsuid') {
    const user = ctx.directory.byUserId(request.input)
    if (!user) throw new GraphError(131009, 'The recipient is not a valid business-scoped user id.')
    return { waId: user.waId, user }
  }
  // With or without `+`, the digits are read as an international number (country code first).
  const phone = normalizePhone(request.input.trim().startsWith('+') ? request.input : `+${request.input.trim()}`)
  if (!phone) throw new GraphError(100, 'Invalid parameter: the recipient phone number is not valid.')
  if (waIdOf(phone) === ctx.business.displayPhoneNumber) throw new GraphError(131021, 'Recipient cannot be sender.')
  // The account's WhatsApp id may differ from the number as dialled (Brazil, Mexico): the response says which.
  const user = ctx.directory.get(phone) ?? ctx.directory.byWaId(waIdOf(phone))
  return { waId: user?.waId ?? waIdOf(phone), user }
}

function checkImage(ctx: SandboxContext, mediaId: string): void {
  const record = ctx.media.get(mediaId)
  if (!record) throw new GraphError(131009, `Media id ${mediaId} does not exist or was deleted.`)
  if (!record.mimeType.startsWith('image/')) throw new GraphError(131009, `Media id ${mediaId} is not an image.`)
}

function fail(
  ctx: SandboxContext,
  wamid: string,
  recipientId: string,
  recipientUserId: string | undefined,
  request: SendRequest,
  code: number,
  details: string,
): void {
  ctx.webhooks.enqueue(
    'whatsapp',
    statusPayload(ctx.business, {
      wamid,
      status: 'failed',
      at: ctx.clock.now(),
      recipientId,
      recipientUserId,
      bizOpaqueCallbackData: request.bizOpaqueCallbackData,
      errors: [webhookError(code, details)],
    }),
  )
}

function entryFor(content: OutboundContent, wamid: string, at: number): ChatEntry {
  const base = { id: wamid, direction: 'out' as const, channel: 'whatsapp' as const, type: content.type, at }
  switch (content.type) {
    case 'text':
      return { ...base, text: content.text }
    case 'template': {
      const { definition, params, text, buttons } = content.rendered
      return { ...base, text, template: { name: definition.name, language: definition.language, params }, buttons }
    }
    case 'image':
      return { ...base, mediaId: content.mediaId, link: content.link, caption: content.caption }
    case 'reaction':
      return { ...base, reaction: { messageId: content.messageId, emoji: content.emoji } }
    case 'interactive':
      return { ...base, text: content.text, buttons: content.buttons.map((b, index) => ({ index, text: b.title, payload: b.id })) }
  }
}

function deliver(ctx: SandboxContext, user: SimUser, wamid: string, request: SendRequest): void {
  const now = ctx.clock.now()
  const entry = entryFor(request.content, wamid, now)
  if (request.content.type === 'image' && request.content.mediaId) entry.mimeType = ctx.media.get(request.content.mediaId)?.mimeType
  entry.bizOpaqueCallbackData = request.bizOpaqueCallbackData
  entry.contextId = request.contextId
  const content = request.content
  const pricing = content.type === 'template' ? pricingFor(true, content.rendered.definition.category) : pricingFor(false)
  const event = {
    wamid,
    at: now,
    recipientId: user.waId,
    recipientUserId: user.userId,
    user,
    bizOpaqueCallbackData: request.bizOpaqueCallbackData,
    pricing,
  }
  ctx.webhooks.enqueue('whatsapp', statusPayload(ctx.business, { ...event, status: 'sent' }))
  // A reaction only ever gets a `sent` status.
  if (request.content.type !== 'reaction') {
    ctx.webhooks.enqueue('whatsapp', statusPayload(ctx.business, { ...event, status: 'delivered' }))
    entry.status = 'delivered'
  } else entry.status = 'sent'
  appendChat(user, entry)
}

function markRead(ctx: SandboxContext, request: { messageId: string; typingIndicator: boolean }): SendOutcome {
  const now = ctx.clock.now()
  ctx.businessReads.push({ messageId: request.messageId, at: now, typingIndicator: request.typingIndicator })
  for (const user of ctx.directory.list()) {
    const index = user.chat.findIndex((entry) => entry.id === request.messageId && entry.direction === 'in')
    if (index < 0) continue
    // Marking one message read also marks the earlier ones in the thread.
    for (const entry of user.chat.slice(0, index + 1))
      if (entry.direction === 'in' && entry.channel === 'whatsapp') entry.readByBusiness = true
    ctx.directory.touch(user)
  }
  return { status: 200, body: { success: true } }
}
