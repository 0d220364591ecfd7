import { z } from 'zod'
import type { Clock } from '../../shared/clock'
import type { MessageTemplate } from '../../shared/domain'
import type { WhatsAppConfig } from './config'
import { graphRequest, invalid, type GraphTransport, type WhatsAppResult } from './graph-request'
import { downloadMedia, getMediaUrl, type DownloadMediaInput, type DownloadedMedia, type MediaInfo } from './media-download'
import {
  buildImageBody,
  buildReactionBody,
  buildMarkReadBody,
  buildTemplateBody,
  buildTextBody,
  type Built,
  type ImageMessage,
  type ReactionMessage,
  type TemplateMessage,
  type TextMessage,
} from './message-bodies'

export type { WhatsAppResult } from './graph-request'
export type { DownloadMediaInput, DownloadedMedia, MediaInfo } from './media-download'
export type { ImageMessage, ReactionMessage, Recipient, TemplateMessage, TextMessage } from './message-bodies'

/** What WhatsApp answered to an accepted send (accepted, not yet delivered). */
export interface SendValue {
  /** The wamid; status webhooks refer to it. */
  providerId: string
  waId?: string
  /** The recipient as WhatsApp read it from our request. */
  input?: string
}

export interface UploadMediaInput {
  bytes: Uint8Array
  mimeType: string
  filename: string
}

export interface WhatsAppClientOptions {
  fetch?: typeof fetch
  /** Per Graph request; default 15 s. */
  timeoutMs?: number
  /** Per media download; default 2 min. */
  downloadTimeoutMs?: number
  /** Lets an HTTP-date `Retry-After` be turned into a delay; seconds work without it. */
  clock?: Clock
}

/**
 * The Cloud API calls Greenline makes. Every method resolves to `{ ok: true, value }` or
 * `{ ok: false, error: WhatsAppError }`; none throws for input, HTTP or network problems. Input
 * that WhatsApp would refuse (too long, wrong phone format, …) fails as `invalid` without a request.
 */
export interface WhatsAppClient {
  sendText(input: TextMessage): Promise<WhatsAppResult<SendValue>>
  sendTemplate(input: TemplateMessage): Promise<WhatsAppResult<SendValue>>
  sendImage(input: ImageMessage): Promise<WhatsAppResult<SendValue>>
  sendReaction(input: ReactionMessage): Promise<WhatsAppResult<SendValue>>
  uploadMedia(input: UploadMediaInput): Promise<WhatsAppResult<{ mediaId: string }>>
  /** Marks an inbound message (and the ones before it) as read: blue ticks for the person. */
  markRead(providerMessageId: string, options?: { typing?: boolean }): Promise<WhatsAppResult<void>>
  getMediaUrl(mediaId: string): Promise<WhatsAppResult<MediaInfo>>
  /**
   * Reads the business number's own record (`GET /{phone-number-id}`): a cheap call that fails
   * with the account-wide error (368, 131031, 190, …) while the account or token is refused.
   */
  checkAccount(): Promise<WhatsAppResult<void>>
  /** Every message template of the business account (`GET /{waba-id}/message_templates`, all pages). */
  listTemplates(): Promise<WhatsAppResult<MessageTemplate[]>>
  downloadMedia(input: DownloadMediaInput): Promise<WhatsAppResult<DownloadedMedia>>
}

const sendResponse = z
  .looseObject({
    contacts: z.array(z.looseObject({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
    messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
  })
  .transform((raw): SendValue => {
    const value: SendValue = { providerId: raw.messages[0].id }
    const contact = raw.contacts?.[0]
    if (contact?.wa_id) value.waId = contact.wa_id
    if (contact?.input) value.input = contact.input
    return value
  })
const uploadResponse = z.looseObject({ id: z.string().min(1) }).transform((raw) => ({ mediaId: raw.id }))
const successResponse = z.looseObject({ success: z.literal(true) })
const accountResponse = z.looseObject({ id: z.string().min(1) })
const templatePage = z.looseObject({
  data: z.array(
    z.looseObject({
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string().optional(),
      components: z
        .array(
          z.looseObject({
            type: z.string(),
            text: z.string().optional(),
            buttons: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
          }),
        )
        .optional(),
    }),
  ),
  paging: z.looseObject({ cursors: z.looseObject({ after: z.string().optional() }).optional(), next: z.string().optional() }).optional(),
})
/** Pages read at most (100 templates each): WhatsApp allows up to 6,000 per account. */
const MAX_TEMPLATE_PAGES = 60

const MB = 1024 * 1024
/** WhatsApp's per-type upload limits (media reference). */
export function uploadLimitBytes(mimeType: string): number {
  const type = mimeType.toLowerCase()
  if (type === 'image/jpeg' || type === 'image/png') return 5 * MB
  if (type === 'image/webp') return 500 * 1024
  if (type.startsWith('audio/') || type.startsWith('video/')) return 16 * MB
  return 100 * MB
}

export function createWhatsAppClient(config: WhatsAppConfig, options: WhatsAppClientOptions = {}): WhatsAppClient {
  const transport: GraphTransport = {
    config,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 15_000,
    clock: options.clock,
  }
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 120_000
  const messagesPath = `${config.phoneNumberId}/messages`

  async function send(built: Built): Promise<WhatsAppResult<SendValue>> {
    if (!built.ok) return invalid(built.reason)
    return graphRequest(transport, { method: 'POST', path: messagesPath, json: built.body, expect: sendResponse })
  }

  return {
    sendText: (input) => send(buildTextBody(input)),
    sendTemplate: (input) => send(buildTemplateBody(input)),
    sendImage: (input) => send(buildImageBody(input)),
    sendReaction: (input) => send(buildReactionBody(input)),

    async uploadMedia({ bytes, mimeType, filename }) {
      if (bytes.byteLength === 0) return invalid('The file is empty.')
      if (!/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) return invalid('The file type is not recognised.')
      const limit = uploadLimitBytes(mimeType)
      if (bytes.byteLength > limit)
        return invalid(
          `The file is larger than WhatsApp's ${limit / MB >= 1 ? `${limit / MB} MB` : `${limit / 1024} KB`} limit for this type.`,
        )
      const form = new FormData()
      form.append('messaging_product', 'whatsapp')
      form.append('type', mimeType)
      form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), filename || 'file')
      return graphRequest(transport, { method: 'POST', path: `${config.phoneNumberId}/media`, form, expect: uploadResponse })
    },

    async markRead(providerMessageId, options) {
      const built = buildMarkReadBody(providerMessageId, options?.typing)
      if (!built.ok) return invalid(built.reason)
      const result = await graphRequest(transport, { method: 'POST', path: messagesPath, json: built.body, expect: successResponse })
      return result.ok ? { ok: true, value: undefined } : result
    },

    getMediaUrl: (mediaId) => getMediaUrl(transport, mediaId),
    async listTemplates() {
      const templates: MessageTemplate[] = []
      let after: string | undefined
      for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
        const query = `limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`
        const result = await graphRequest(transport, {
          method: 'GET',
          path: `${config.wabaId}/message_templates?${query}`,
          expect: templatePage,
        })
        if (!result.ok) return result
        for (const t of result.value.data) {
          const body = t.components?.find((c) => c.type.toUpperCase() === 'BODY')?.text
          const quickReplies = (t.components?.find((c) => c.type.toUpperCase() === 'BUTTONS')?.buttons ?? [])
            .filter((b) => b.type.toUpperCase() === 'QUICK_REPLY')
            .map((b) => b.text ?? '')
          templates.push({
            name: t.name,
            language: t.language,
            status: t.status,
            category: (t.category ?? '').toLowerCase(),
            ...(body ? { body } : {}),
            ...(quickReplies.length > 0 ? { quickReplies } : {}),
          })
        }
        after = result.value.paging?.next ? result.value.paging.cursors?.after : undefined
        if (!after) break
      }
      return { ok: true, value: templates }
    },
    async checkAccount() {
      const result = await graphRequest(transport, { method: 'GET', path: config.phoneNumberId, expect: accountResponse })
      return result.ok ? { ok: true, value: undefined } : result
    },
    downloadMedia: (input) => downloadMedia(transport, input, downloadTimeoutMs),
  }
}
