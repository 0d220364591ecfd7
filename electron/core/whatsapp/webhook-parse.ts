import { z } from 'zod'
import { singleLine } from '../../shared/text'
import { BSUID, WA_ID, compact, normalizeMessage, parseWebhookErrors, secondsToMs } from './webhook-message'
import type { ContactInfo, ParsedWebhook, TemplateUpdate, WebhookBatch } from './webhook-types'

export type * from './webhook-types'

/** Meta's payloads are at most 3 MB. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024

const topLevel = z.looseObject({
  object: z.literal('whatsapp_business_account').optional(),
  entry: z.array(z.unknown()),
})
const entrySchema = z.looseObject({ id: z.string().optional().catch(undefined), changes: z.array(z.unknown()) })
const changeSchema = z.looseObject({
  field: z.string().optional().catch(undefined),
  value: z.looseObject({
    metadata: z.looseObject({ phone_number_id: z.string().optional() }).optional().catch(undefined),
  }),
})
// Profile names are chosen by the WhatsApp user: one line, no control or bidi characters, so they
// cannot forge lines in transcripts and archives. Malformed ids are dropped, not trusted.
const profileText = z
  .string()
  .transform(singleLine)
  .transform((v) => (v === '' ? undefined : v.slice(0, 200)))
  .optional()
  .catch(undefined)
const contactSchema = z.looseObject({
  wa_id: z.string().regex(WA_ID).optional().catch(undefined),
  user_id: z.string().regex(BSUID).optional().catch(undefined),
  parent_user_id: z.string().regex(BSUID).optional().catch(undefined),
  profile: z.looseObject({ name: profileText, username: profileText }).optional().catch(undefined),
})
const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'played']),
  timestamp: z.unknown(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  pricing: z.looseObject({ category: z.string().optional() }).optional().catch(undefined),
  errors: z.unknown().optional(),
})
const preferenceSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  value: z.enum(['stop', 'resume']),
  category: z.string(),
  timestamp: z.unknown(),
})

export interface ParseWebhookOptions {
  /** When the delivery arrived (ms); used only for an item whose own timestamp is unusable. */
  receivedAt?: number
}

/**
 * Normalizes a WhatsApp `whatsapp_business_account` webhook body. Every entry, change, message,
 * status, error and preference is visited (Meta batches up to 1000 updates). One odd item never
 * loses the others: it is listed in `skipped`, and an unknown message type becomes `unsupported`.
 * Never throws: a body that is not a webhook at all gives `{ ok: false, reason }`.
 */
export function parseWebhookPayload(json: unknown, options: ParseWebhookOptions = {}): ParsedWebhook {
  const top = topLevel.safeParse(json)
  if (!top.success) return { ok: false, reason: 'not a WhatsApp Business Account webhook (expected object and entry[])' }

  const batch: WebhookBatch = {
    messages: [],
    statuses: [],
    accountErrors: [],
    preferences: [],
    contacts: [],
    templateUpdates: [],
    otherChanges: [],
    skipped: [],
  }
  top.data.entry.forEach((rawEntry, e) => {
    const entry = entrySchema.safeParse(rawEntry)
    if (!entry.success) {
      batch.skipped.push({ path: `entry[${e}]`, reason: 'entry without changes[]' })
      return
    }
    entry.data.changes.forEach((rawChange, c) => {
      const path = `entry[${e}].changes[${c}]`
      const change = changeSchema.safeParse(rawChange)
      if (!change.success) {
        batch.skipped.push({ path, reason: 'change without a value object' })
        return
      }
      readChange(batch, path, entry.data.id, change.data.field, change.data.value, options)
    })
  })
  return { ok: true, ...batch }
}

function readChange(
  batch: WebhookBatch,
  path: string,
  wabaId: string | undefined,
  field: string | undefined,
  value: z.infer<typeof changeSchema>['value'],
  options: ParseWebhookOptions,
): void {
  const phoneNumberId = value.metadata?.phone_number_id
  const raw = value as Record<string, unknown>
  let recognized = false

  const contacts: ContactInfo[] = []
  eachItem(raw.contacts, (item, i) => {
    const parsed = contactSchema.safeParse(item)
    if (!parsed.success) return batch.skipped.push({ path: `${path}.value.contacts[${i}]`, reason: 'contact is not an object' })
    const { wa_id, user_id, parent_user_id, profile } = parsed.data
    contacts.push(
      compact({
        waId: wa_id,
        userId: user_id,
        parentUserId: parent_user_id,
        profileName: profile?.name,
        username: profile?.username,
        phoneNumberId,
      }),
    )
  })
  batch.contacts.push(...contacts)

  recognized =
    eachItem(raw.messages, (item, i) => {
      const result = normalizeMessage(item, contacts, phoneNumberId, options.receivedAt)
      if (result.ok) batch.messages.push(result.message)
      else batch.skipped.push({ path: `${path}.value.messages[${i}]`, reason: result.reason })
    }) || recognized

  recognized =
    eachItem(raw.statuses, (item, i) => {
      const parsed = statusSchema.safeParse(item)
      const timestamp = parsed.success ? (secondsToMs(parsed.data.timestamp) ?? options.receivedAt) : undefined
      if (!parsed.success || timestamp === undefined) {
        return batch.skipped.push({ path: `${path}.value.statuses[${i}]`, reason: 'status without id, known status or timestamp' })
      }
      const s = parsed.data
      batch.statuses.push(
        compact({
          providerId: s.id,
          status: s.status,
          timestamp,
          recipientWaId: s.recipient_id,
          recipientUserId: s.recipient_user_id,
          bizOpaque: s.biz_opaque_callback_data,
          pricingCategory: s.pricing?.category,
          errors: parseWebhookErrors(s.errors),
          phoneNumberId,
        }),
      )
    }) || recognized

  if (Array.isArray(raw.errors)) {
    recognized = true
    for (const error of parseWebhookErrors(raw.errors) ?? []) batch.accountErrors.push(compact({ ...error, phoneNumberId }))
  }

  recognized =
    eachItem(raw.user_preferences, (item, i) => {
      const parsed = preferenceSchema.safeParse(item)
      const timestamp = parsed.success ? (secondsToMs(parsed.data.timestamp) ?? options.receivedAt) : undefined
      if (!parsed.success || timestamp === undefined) {
        return batch.skipped.push({
          path: `${path}.value.user_preferences[${i}]`,
          reason: 'preference without stop/resume, category or timestamp',
        })
      }
      const p = parsed.data
      batch.preferences.push(compact({ waId: p.wa_id, userId: p.user_id, value: p.value, category: p.category, timestamp, phoneNumberId }))
    }) || recognized

  if (field === 'message_template_status_update' || field === 'message_template_quality_update') {
    const update = readTemplateUpdate(field, raw)
    if (update) batch.templateUpdates.push(update)
    else batch.skipped.push({ path: `${path}.value`, reason: 'template update without a name' })
    return
  }

  if (!recognized && contacts.length === 0) batch.otherChanges.push(compact({ field: field ?? 'unknown', wabaId }))
}

function readTemplateUpdate(field: string, raw: Record<string, unknown>): TemplateUpdate | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  const name = text(raw.message_template_name)
  if (!name) return undefined
  const language = text(raw.message_template_language)
  return field === 'message_template_status_update'
    ? compact({ name, language, status: text(raw.event)?.toUpperCase() })
    : compact({ name, language, quality: text(raw.new_quality_score)?.toUpperCase() })
}

/** Calls `visit` for each element when `list` is an array; returns whether it was one. */
function eachItem(list: unknown, visit: (item: unknown, index: number) => unknown): boolean {
  if (!Array.isArray(list)) return false
  list.forEach((item, index) => visit(item, index))
  return true
}
