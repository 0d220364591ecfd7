import { apiLength, WHATSAPP_LIMITS } from '../shared/message-length'
import { GraphError } from './graph-errors'
import type { TemplateStatus } from './operations'
import { renderTemplate, type RenderedTemplate, type TemplateDefinition } from './templates'

export type OutboundContent =
  | { type: 'text'; text: string }
  | { type: 'template'; rendered: RenderedTemplate }
  | { type: 'image'; mediaId?: string; link?: string; caption?: string }
  | { type: 'reaction'; messageId: string; emoji: string }
  | { type: 'interactive'; text: string; buttons: Array<{ id: string; title: string }> }

export interface SendRequest {
  /** Exactly what the caller sent in `to` or `recipient`, echoed back as `contacts[].input`. */
  input: string
  recipientKind: 'phone' | 'bsuid'
  content: OutboundContent
  bizOpaqueCallbackData?: string
  contextId?: string
}

export interface MarkReadRequest {
  messageId: string
  typingIndicator: boolean
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function requireProduct(body: Json): void {
  if (body.messaging_product === undefined) throw new GraphError(131008, 'The parameter messaging_product is required.')
  if (body.messaging_product !== 'whatsapp') throw new GraphError(100, 'Param messaging_product must be one of {WHATSAPP}.')
}

/** True when the body is a mark-as-read (optionally with typing indicator), not a message. */
export function isMarkRead(body: unknown): boolean {
  return isObject(body) && body.status === 'read'
}

export function parseMarkRead(body: Json): MarkReadRequest {
  requireProduct(body)
  if (typeof body.message_id !== 'string' || !body.message_id) throw new GraphError(131008, 'The parameter message_id is required.')
  return { messageId: body.message_id, typingIndicator: isObject(body.typing_indicator) }
}

/** Validates a `POST /messages` body like the Cloud API. Throws GraphError with Meta's codes. */
export function parseSendRequest(body: unknown, statusOf?: (template: TemplateDefinition) => TemplateStatus): SendRequest {
  if (!isObject(body)) throw new GraphError(100, 'The request body must be a JSON object.')
  requireProduct(body)
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
    throw new GraphError(100, 'Param recipient_type must be individual in the sandbox.')
  // Meta refuses a request that names the person twice: by phone (`to`) and by user id (`recipient`).
  if (body.to !== undefined && body.recipient !== undefined)
    throw new GraphError(100, 'Param to and param recipient cannot be used together; use one of them.')
  const to = body.to ?? body.recipient
  if (to === undefined || to === '') throw new GraphError(131008, 'The parameter to is required.')
  if (typeof to !== 'string') throw new GraphError(100, 'Param to must be a string.')
  const recipientKind = body.to !== undefined ? 'phone' : 'bsuid'
  const bizOpaque = body.biz_opaque_callback_data
  if (bizOpaque !== undefined && (typeof bizOpaque !== 'string' || bizOpaque.length > 512))
    throw new GraphError(100, 'Param biz_opaque_callback_data must be a string of at most 512 characters.')
  const contextId = isObject(body.context) && typeof body.context.message_id === 'string' ? body.context.message_id : undefined
  const type = body.type === undefined ? 'text' : body.type
  return {
    input: to,
    recipientKind,
    content: parseContent(type, body, statusOf),
    bizOpaqueCallbackData: bizOpaque,
    contextId,
  }
}

function parseContent(type: unknown, body: Json, statusOf?: (template: TemplateDefinition) => TemplateStatus): OutboundContent {
  switch (type) {
    case 'text': {
      const text = isObject(body.text) ? body.text.body : undefined
      if (typeof text !== 'string' || text === '') throw new GraphError(131008, "The parameter text['body'] is required.")
      if (apiLength(text) > WHATSAPP_LIMITS.text) throw new GraphError(100, "Param text['body'] must be at most 4096 characters long.")
      return { type: 'text', text }
    }
    case 'template':
      return { type: 'template', rendered: renderTemplate(body.template, statusOf) }
    case 'image':
      return parseImage(body.image)
    case 'reaction': {
      const reaction = body.reaction
      if (!isObject(reaction) || typeof reaction.message_id !== 'string' || !reaction.message_id)
        throw new GraphError(131008, "The parameter reaction['message_id'] is required.")
      if (typeof reaction.emoji !== 'string') throw new GraphError(131008, "The parameter reaction['emoji'] is required.")
      return { type: 'reaction', messageId: reaction.message_id, emoji: reaction.emoji }
    }
    case 'interactive':
      return parseInteractive(body.interactive)
    default:
      throw new GraphError(131051, `Message type ${String(type)} is not supported by the sandbox.`)
  }
}

function parseImage(image: unknown): OutboundContent {
  if (!isObject(image)) throw new GraphError(131008, 'The parameter image is required.')
  const byId = typeof image.id === 'string' && image.id !== ''
  const byLink = typeof image.link === 'string' && image.link !== ''
  if (byId && byLink) throw new GraphError(100, "Param image must have either 'id' or 'link', not both.")
  if (!byId && !byLink) throw new GraphError(131008, "The parameter image['id'] or image['link'] is required.")
  if (byLink && !/^https?:\/\/\S+$/i.test(image.link as string))
    throw new GraphError(131009, "Param image['link'] must be an http or https URL.")
  const caption = image.caption
  if (caption !== undefined && typeof caption !== 'string') throw new GraphError(100, "Param image['caption'] must be a string.")
  if (typeof caption === 'string' && apiLength(caption) > WHATSAPP_LIMITS.caption)
    throw new GraphError(100, "Param image['caption'] must be at most 1024 characters long.")
  return byId
    ? { type: 'image', mediaId: image.id as string, caption: caption || undefined }
    : { type: 'image', link: image.link as string, caption: caption || undefined }
}

function parseInteractive(interactive: unknown): OutboundContent {
  if (!isObject(interactive)) throw new GraphError(131008, 'The parameter interactive is required.')
  if (interactive.type !== 'button') throw new GraphError(131009, 'The sandbox supports interactive type button only.')
  const text = isObject(interactive.body) ? interactive.body.text : undefined
  if (typeof text !== 'string' || !text) throw new GraphError(131008, "The parameter interactive['body']['text'] is required.")
  if (text.length > 1024) throw new GraphError(100, 'Interactive body text must be at most 1024 characters long.')
  const raw = isObject(interactive.action) ? interactive.action.buttons : undefined
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 3)
    throw new GraphError(131009, 'Interactive messages need between 1 and 3 buttons.')
  const buttons = raw.map((button) => {
    const reply = isObject(button) && button.type === 'reply' && isObject(button.reply) ? button.reply : undefined
    if (!reply || typeof reply.id !== 'string' || typeof reply.title !== 'string' || !reply.id || !reply.title)
      throw new GraphError(131008, 'Each button needs type reply with id and title.')
    if (reply.id.length > 256 || reply.title.length > 20)
      throw new GraphError(131009, 'Button id must be at most 256 and title at most 20 characters long.')
    return { id: reply.id, title: reply.title }
  })
  if (new Set(buttons.map((b) => b.title)).size !== buttons.length) throw new GraphError(131009, 'Button titles must be unique.')
  return { type: 'interactive', text, buttons }
}
