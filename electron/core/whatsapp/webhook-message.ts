import { z } from 'zod'
import type { ContactInfo, InboundKind, InboundMessage, SharedContact, WebhookError } from './webhook-types'

const str = z.string()
const optStr = z.string().optional()

/** A WhatsApp id is the user's phone number in international form, digits only (no `+`). */
export const WA_ID = /^[1-9]\d{5,19}$/
/** A business-scoped user id: `CC.` (or `CC.ENT.` for a parent id) and up to 128 letters and digits. */
export const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/
const optWaId = z.string().regex(WA_ID).optional()
const optBsuid = z.string().regex(BSUID).optional()

/** Unix seconds as a string (messages, statuses) or an integer (user_preferences) → epoch ms. */
export function secondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
}

const webhookErrorSchema = z.looseObject({
  code: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]),
  title: optStr,
  message: optStr,
  href: optStr,
  error_data: z.looseObject({ details: optStr }).optional(),
})

/** Keeps every well-formed error object; malformed ones are dropped (the raw payload is stored). */
export function parseWebhookErrors(value: unknown): WebhookError[] | undefined {
  if (!Array.isArray(value)) return undefined
  const errors: WebhookError[] = []
  for (const item of value) {
    const parsed = webhookErrorSchema.safeParse(item)
    if (!parsed.success) continue
    const { code, title, message, href, error_data } = parsed.data
    errors.push(compact({ code, title, message, details: error_data?.details, href }))
  }
  return errors.length > 0 ? errors : undefined
}

/** Drops undefined keys so results compare and serialize cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

const baseMessage = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  timestamp: z.unknown(),
  // A sender we cannot identify cannot be answered or matched to a contact: such an item is
  // refused (its raw delivery is kept) rather than creating a contact named by whatever it holds.
  from: optWaId,
  from_user_id: optBsuid,
  context: z
    .looseObject({
      id: optStr,
      from: optStr,
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional()
    .catch(undefined),
  referral: z
    .looseObject({
      source_url: optStr,
      source_id: optStr,
      source_type: optStr,
      headline: optStr,
      body: optStr,
      ctwa_clid: optStr,
    })
    .optional()
    .catch(undefined),
})

const mediaSchema = z.looseObject({
  id: str.min(1),
  mime_type: str,
  sha256: optStr,
  caption: optStr,
  filename: optStr,
  url: optStr,
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
})
const textSchema = z.looseObject({ body: str })
const locationSchema = z.looseObject({
  latitude: z.number(),
  longitude: z.number(),
  name: optStr,
  address: optStr,
  url: optStr,
})
const sharedContactSchema = z.looseObject({
  name: z.looseObject({ formatted_name: optStr, first_name: optStr, last_name: optStr }).optional(),
  org: z.looseObject({ company: optStr }).optional(),
  phones: z.array(z.looseObject({ phone: optStr, wa_id: optStr, type: optStr })).optional(),
  emails: z.array(z.looseObject({ email: optStr, type: optStr })).optional(),
})
const buttonSchema = z.looseObject({ payload: str, text: str })
const replySchema = z.looseObject({ id: str, title: str, description: optStr })
const interactiveSchema = z.looseObject({
  type: str,
  button_reply: replySchema.optional(),
  list_reply: replySchema.optional(),
  nfm_reply: z.looseObject({ name: optStr, body: optStr }).optional(),
})
/** One emoji: a single grapheme that is pictographic (or a keycap / flag sequence), nothing else. */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })
export function isOneEmoji(value: string): boolean {
  if (value.length > 32) return false
  const parts = [...graphemes.segment(value)]
  return parts.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(value)
}
// An empty emoji removes a reaction; anything that is not one emoji is refused as unsupported.
const reactionSchema = z.looseObject({
  message_id: str.min(1),
  emoji: z
    .string()
    .refine((v) => v === '' || isOneEmoji(v))
    .optional(),
})
const systemSchema = z.looseObject({
  type: str,
  body: optStr,
  wa_id: optStr,
  new_wa_id: optStr,
  user_id: optStr,
  previous_user_id: optStr,
  parent_user_id: optStr,
})
const orderSchema = z.looseObject({ catalog_id: optStr, text: optStr, product_items: z.array(z.unknown()).optional() })
const unsupportedSchema = z.looseObject({ type: optStr })

const MEDIA_KINDS = new Set(['image', 'video', 'audio', 'document', 'sticker'])

type Content = Pick<
  InboundMessage,
  'kind' | 'unsupportedType' | 'text' | 'media' | 'location' | 'sharedContacts' | 'button' | 'interactive' | 'reaction' | 'system' | 'order'
>

function unsupported(type: string): Content {
  return { kind: 'unsupported', unsupportedType: type }
}

/** The type-specific part; a known type whose object is missing or malformed becomes `unsupported`. */
function readContent(type: string, raw: Record<string, unknown>): Content {
  const body = raw[type]
  if (MEDIA_KINDS.has(type)) {
    const media = mediaSchema.safeParse(body)
    if (!media.success) return unsupported(type)
    const { id, mime_type, sha256, caption, filename, url, voice, animated } = media.data
    return compact({
      kind: type as InboundKind,
      text: caption,
      media: compact({ id, mimeType: mime_type, sha256, caption, filename, url, voice, animated }),
    })
  }
  switch (type) {
    case 'text': {
      const text = textSchema.safeParse(body)
      return text.success ? { kind: 'text', text: text.data.body } : unsupported(type)
    }
    case 'location': {
      const location = locationSchema.safeParse(body)
      if (!location.success) return unsupported(type)
      const { latitude, longitude, name, address, url } = location.data
      return { kind: 'location', location: compact({ latitude, longitude, name, address, url }) }
    }
    case 'contacts':
      return readSharedContacts(body)
    case 'button': {
      const button = buttonSchema.safeParse(body)
      return button.success
        ? { kind: 'button', text: button.data.text, button: { payload: button.data.payload, text: button.data.text } }
        : unsupported(type)
    }
    case 'interactive':
      return readInteractive(body)
    case 'reaction': {
      const reaction = reactionSchema.safeParse(body)
      if (!reaction.success) return unsupported(type)
      return { kind: 'reaction', reaction: { targetProviderId: reaction.data.message_id, emoji: reaction.data.emoji || null } }
    }
    case 'system': {
      const system = systemSchema.safeParse(body)
      if (!system.success) return unsupported(type)
      const s = system.data
      return {
        kind: 'system',
        system: compact({
          type: s.type,
          newWaId: s.wa_id ?? s.new_wa_id,
          userId: s.user_id,
          previousUserId: s.previous_user_id,
          parentUserId: s.parent_user_id,
          body: s.body,
        }),
      }
    }
    case 'order': {
      const order = orderSchema.safeParse(body)
      if (!order.success) return unsupported(type)
      return compact({
        kind: 'order' as const,
        text: order.data.text,
        order: compact({ catalogId: order.data.catalog_id, itemCount: order.data.product_items?.length ?? 0 }),
      })
    }
    case 'unsupported': {
      const inner = unsupportedSchema.safeParse(body)
      return unsupported(inner.success && inner.data.type ? inner.data.type : 'unsupported')
    }
    default:
      return unsupported(type)
  }
}

function readSharedContacts(body: unknown): Content {
  if (!Array.isArray(body)) return unsupported('contacts')
  const cards: SharedContact[] = []
  for (const item of body) {
    const card = sharedContactSchema.safeParse(item)
    if (!card.success) continue
    const { name, org, phones, emails } = card.data
    cards.push(
      compact({
        formattedName: name?.formatted_name,
        firstName: name?.first_name,
        lastName: name?.last_name,
        organization: org?.company,
        phones: (phones ?? []).map((p) => compact({ phone: p.phone, waId: p.wa_id, type: p.type })),
        emails: (emails ?? []).map((e) => compact({ email: e.email, type: e.type })),
      }),
    )
  }
  return cards.length > 0 ? { kind: 'contacts', sharedContacts: cards } : unsupported('contacts')
}

function readInteractive(body: unknown): Content {
  const parsed = interactiveSchema.safeParse(body)
  if (!parsed.success) return unsupported('interactive')
  const { type, button_reply, list_reply, nfm_reply } = parsed.data
  const reply = type === 'button_reply' ? button_reply : type === 'list_reply' ? list_reply : undefined
  if (reply) {
    return {
      kind: 'interactive',
      text: reply.title,
      interactive: compact({ type, id: reply.id, title: reply.title, description: reply.description }),
    }
  }
  if (type === 'nfm_reply' && nfm_reply) {
    const title = nfm_reply.body ?? ''
    return compact({ kind: 'interactive' as const, text: title || undefined, interactive: { type, id: nfm_reply.name ?? '', title } })
  }
  return unsupported(`interactive:${type}`)
}

/** Finds the sender's profile among `value.contacts`; a lone contact is taken as the sender. */
function senderProfile(contacts: ContactInfo[], waId?: string, userId?: string): ContactInfo | undefined {
  const match = contacts.find((c) => (waId && c.waId === waId) || (userId && c.userId === userId))
  if (match) return match
  if (contacts.length !== 1) return undefined
  const [only] = contacts
  const conflicts = (waId && only.waId && only.waId !== waId) || (userId && only.userId && only.userId !== userId)
  return conflicts ? undefined : only
}

export type MessageResult = { ok: true; message: InboundMessage } | { ok: false; reason: string }

/**
 * Normalizes one `value.messages[]` item. Unknown or malformed type content becomes `unsupported`
 * (never dropped); only an item without an id or usable timestamp is refused, because it could
 * neither be deduplicated nor placed in the thread.
 */
export function normalizeMessage(
  raw: unknown,
  contacts: ContactInfo[],
  phoneNumberId: string | undefined,
  receivedAt: number | undefined,
): MessageResult {
  const base = baseMessage.safeParse(raw)
  if (!base.success) {
    const field = base.error.issues[0]?.path[0]
    if (field === 'from' || field === 'from_user_id')
      return { ok: false, reason: `message whose sender (${field}) is not a valid WhatsApp id` }
    return { ok: false, reason: 'message without an id or type' }
  }
  const m = base.data
  if (m.type !== 'system' && !m.from && !m.from_user_id) return { ok: false, reason: 'message without a sender' }
  const timestamp = secondsToMs(m.timestamp) ?? receivedAt
  if (timestamp === undefined) return { ok: false, reason: 'message without a usable timestamp' }
  const profile = m.type === 'system' ? undefined : senderProfile(contacts, m.from, m.from_user_id)
  const context = m.context
    ? compact({
        providerId: m.context.id,
        from: m.context.from,
        forwarded: m.context.forwarded,
        frequentlyForwarded: m.context.frequently_forwarded,
      })
    : undefined
  const referral = m.referral
    ? compact({
        sourceUrl: m.referral.source_url,
        sourceId: m.referral.source_id,
        sourceType: m.referral.source_type,
        headline: m.referral.headline,
        body: m.referral.body,
        ctwaClid: m.referral.ctwa_clid,
      })
    : undefined
  const message: InboundMessage = compact({
    providerId: m.id,
    fromWaId: m.from,
    fromUserId: m.from_user_id ?? profile?.userId,
    profileName: profile?.profileName,
    username: profile?.username,
    timestamp,
    ...readContent(m.type, m as Record<string, unknown>),
    context: context && Object.keys(context).length > 0 ? context : undefined,
    referral,
    errors: parseWebhookErrors((m as Record<string, unknown>).errors),
    phoneNumberId,
  })
  return { ok: true, message }
}
