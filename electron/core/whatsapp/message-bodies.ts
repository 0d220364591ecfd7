/**
 * Builds Cloud API send bodies (`POST /<PHONE_NUMBER_ID>/messages`) and checks the limits WhatsApp
 * would otherwise reject, so the office user gets a clear reason before anything is sent.
 * Each builder returns `{ ok: false, reason }` instead of a body when the input breaks a rule.
 */

import { apiLength, WHATSAPP_LIMITS } from '../../shared/message-length'

export const TEXT_MAX_CHARS = WHATSAPP_LIMITS.text
export const CAPTION_MAX_CHARS = WHATSAPP_LIMITS.caption
export const BIZ_OPAQUE_MAX_CHARS = 512

export interface Recipient {
  /** E.164 phone number with '+' (without it WhatsApp prepends our own country code). */
  to?: string
  /** A business-scoped user id (BSUID), e.g. `US.13491208655302741918`. */
  recipient?: string
}

export interface TextMessage extends Recipient {
  text: string
  /** Our message id, echoed back in status webhooks as `biz_opaque_callback_data`. */
  bizOpaque: string
  /** The wamid this message replies to. */
  contextProviderId?: string
  previewUrl?: boolean
}

export interface TemplateMessage extends Recipient {
  name: string
  language: string
  /** Positional body parameters, in order. */
  bodyParams: string[]
  /** Developer payloads for the template's quick-reply buttons, by button position. */
  buttonPayloads: string[]
  bizOpaque: string
}

export interface ImageMessage extends Recipient {
  mediaId: string
  caption?: string
  bizOpaque: string
  contextProviderId?: string
}

export interface ReactionMessage extends Recipient {
  /** The wamid reacted to. */
  providerMessageId: string
  /** One emoji; '' removes the reaction. */
  emoji: string
  bizOpaque: string
}

export type Built = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string }

const E164 = /^\+[1-9]\d{6,14}$/
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]{1,200}$/

/** Counts as the Cloud API does (UTF-16 units: an emoji is two); see shared/message-length. */
export function charCount(text: string): number {
  return apiLength(text)
}

function envelope(target: Recipient, bizOpaque: string): Built {
  const hasTo = target.to !== undefined && target.to !== ''
  const hasRecipient = target.recipient !== undefined && target.recipient !== ''
  if (hasTo === hasRecipient)
    return { ok: false, reason: 'The message needs exactly one WhatsApp recipient: a phone number or a WhatsApp user id.' }
  if (hasTo && !E164.test(target.to!)) {
    return { ok: false, reason: 'The phone number must be in international format, starting with + and the country code.' }
  }
  if (hasRecipient && !BSUID.test(target.recipient!)) return { ok: false, reason: 'The WhatsApp user id is not valid.' }
  if (!bizOpaque || bizOpaque.length > BIZ_OPAQUE_MAX_CHARS) {
    return { ok: false, reason: 'The message has no usable Greenline id, so it cannot be tracked.' }
  }
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual' }
  if (hasTo) body.to = target.to
  else body.recipient = target.recipient
  body.biz_opaque_callback_data = bizOpaque
  return { ok: true, body }
}

function withContext(body: Record<string, unknown>, contextProviderId: string | undefined): void {
  if (contextProviderId) body.context = { message_id: contextProviderId }
}

export function buildTextBody(input: TextMessage): Built {
  if (input.text.trim().length === 0) return { ok: false, reason: 'The message is empty.' }
  if (charCount(input.text) > TEXT_MAX_CHARS) {
    return { ok: false, reason: `The message is longer than WhatsApp's limit of ${TEXT_MAX_CHARS} characters.` }
  }
  const built = envelope(input, input.bizOpaque)
  if (!built.ok) return built
  withContext(built.body, input.contextProviderId)
  built.body.type = 'text'
  built.body.text = input.previewUrl === undefined ? { body: input.text } : { preview_url: input.previewUrl, body: input.text }
  return built
}

export function buildImageBody(input: ImageMessage): Built {
  if (!input.mediaId) return { ok: false, reason: 'The picture was not uploaded, so it cannot be sent.' }
  if (input.caption !== undefined && charCount(input.caption) > CAPTION_MAX_CHARS) {
    return { ok: false, reason: `The caption is longer than WhatsApp's limit of ${CAPTION_MAX_CHARS} characters.` }
  }
  const built = envelope(input, input.bizOpaque)
  if (!built.ok) return built
  withContext(built.body, input.contextProviderId)
  built.body.type = 'image'
  built.body.image = input.caption ? { id: input.mediaId, caption: input.caption } : { id: input.mediaId }
  return built
}

export function buildTemplateBody(input: TemplateMessage): Built {
  if (!/^[a-z0-9_]{1,512}$/.test(input.name)) return { ok: false, reason: 'The template name is not valid.' }
  if (!input.language) return { ok: false, reason: 'The template language is missing.' }
  // WhatsApp refuses template fields that are empty or contain line breaks or tabs.
  if (input.bodyParams.some((param) => param.trim() === '' || /[\n\r\t]/.test(param) || / {5,}/.test(param))) {
    return {
      ok: false,
      reason: 'A template field is empty or contains line breaks, tabs or long runs of spaces, which WhatsApp does not allow.',
    }
  }
  if (input.buttonPayloads.some((payload) => payload === '')) return { ok: false, reason: 'A template button has an empty payload.' }
  const built = envelope(input, input.bizOpaque)
  if (!built.ok) return built
  const components: Record<string, unknown>[] = []
  if (input.bodyParams.length > 0) {
    components.push({ type: 'body', parameters: input.bodyParams.map((text) => ({ type: 'text', text })) })
  }
  input.buttonPayloads.forEach((payload, index) => {
    components.push({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload }] })
  })
  built.body.type = 'template'
  built.body.template = {
    name: input.name,
    language: { code: input.language },
    ...(components.length > 0 ? { components } : {}),
  }
  return built
}

/** A reaction (or its removal, with emoji ''). WhatsApp answers it with a `sent` status only. */
export function buildReactionBody(input: ReactionMessage): Built {
  if (!input.providerMessageId) return { ok: false, reason: 'This message has not reached WhatsApp, so it cannot be reacted to.' }
  const built = envelope(input, input.bizOpaque)
  if (!built.ok) return built
  built.body.type = 'reaction'
  built.body.reaction = { message_id: input.providerMessageId, emoji: input.emoji }
  return built
}

/** Marks a message read; with `typing`, the person also sees "typing…" (up to 25 s, or until we reply). */
export function buildMarkReadBody(providerMessageId: string, typing = false): Built {
  if (!providerMessageId) return { ok: false, reason: 'There is no WhatsApp message to mark as read.' }
  const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId }
  if (typing) body.typing_indicator = { type: 'text' }
  return { ok: true, body }
}
