import { ENGINE_TEXTS } from '../../shared/api/engine-text'
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { inTransaction, type EngineContext } from '../context'
import type { MediaStore } from '../media/media-store'
import { createLogger } from '../platform/logger'
import { threadFor } from '../services/inbound-service'
import { verifyWebhookSignature } from '../whatsapp/signature'
import type { InboundSms, InboundVoicemail } from './provider'
import { recordSmsConsent, smsKeyword } from './sms-consent'
import { applySmsStatus } from './sms-status'

const log = createLogger('channels')
const MAX_RECORDING_BYTES = 20 * 1024 * 1024

const delivery = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sms'), id: z.string().min(1), from: z.string().min(3), text: z.string().max(5000), timestamp: z.number() }),
  z.object({
    type: z.literal('voicemail'),
    id: z.string().min(1),
    from: z.string().min(3),
    timestamp: z.number(),
    durationMs: z.number().nonnegative(),
    transcript: z.string().max(20_000).optional(),
    audioUrl: z.string().url(),
  }),
  z.object({
    type: z.literal('status'),
    id: z.string().min(1),
    ref: z.string().min(1).optional(),
    status: z.enum(['sent', 'delivered', 'read', 'failed', 'undelivered']),
    reason: z.string().max(500).optional(),
    code: z.number().int().optional(),
    optedOut: z.boolean().optional(),
    timestamp: z.number().optional(),
  }),
])

export interface ChannelIntake {
  /**
   * Stores an inbound SMS (an MMS picture: `mediaId` already in the media store) in the contact's
   * SMS thread. Idempotent on the provider id: resolves false for one already stored. STOP / START /
   * HELP are written to the consent ledger.
   */
  receiveSms(sms: InboundSms): Promise<boolean>
  /** An MMS with several pictures: one message each (`receiveSms`), all stored or none. */
  receiveSmsParts(parts: readonly InboundSms[]): Promise<void>
  /** Stores a voicemail (recording in the media store) in the contact's voicemail thread. */
  receiveVoicemail(voicemail: InboundVoicemail): Promise<void>
  /** The generic (and sandbox) provider's signed webhook: `{ type: 'sms' | 'voicemail' | 'status', … }`. */
  receiveSignedDelivery(rawBody: Buffer, signature: string | undefined): Promise<{ status: number; body: string }>
}

/**
 * Where SMS and voicemails enter the engine. A softphone integration calls `receiveSms` /
 * `receiveVoicemail` directly; the sandbox provider posts signed deliveries.
 */
export function createChannelIntake(
  ctx: EngineContext,
  options: {
    secret: () => string
    media: MediaStore
    accessToken: () => string
    /** The provider's address: recordings are fetched with the token only from there. */
    providerOrigin: () => string | undefined
    fetch?: typeof fetch
  },
): ChannelIntake {
  const contactFor = async (tx: EngineContext, phone: string) => {
    const existing = await tx.store.contacts.findContactByPhone(phone)
    if (existing) return existing
    const contact = await tx.store.contacts.insertContact({ id: ctx.newId('c_'), name: phone, phone, now: ctx.clock.now() })
    ctx.changes.contact(contact)
    return contact
  }

  /** Stores one inbound message in its thread, in the caller's transaction (`tx.store`). */
  const store = async (
    tx: EngineContext,
    channel: 'sms' | 'voicemail',
    from: string,
    providerId: string,
    fields: { kind: 'text' | 'image' | 'voicemail'; body?: string; mediaId?: string; extra?: Record<string, unknown> },
  ): Promise<boolean> => {
    if (await tx.store.messages.getMessageRowByProviderId(providerId)) return false
    const now = ctx.clock.now()
    const contact = await contactFor(tx, from)
    const conversationId = await threadFor(tx, contact.id, channel, now)
    const id = ctx.newId('m_')
    const seq = await tx.store.messages.insertMessage({
      id,
      conversationId,
      direction: 'in',
      kind: fields.kind,
      body: fields.body,
      mediaId: fields.mediaId,
      mediaState: fields.mediaId ? 'ready' : undefined,
      extra: fields.extra,
      status: 'received',
      providerId,
      createdAt: now,
    })
    await tx.store.conversations.touchConversation(conversationId, seq, now)
    await tx.store.conversations.incrementUnread(conversationId)
    ctx.changes.message(id, conversationId)
    return true
  }

  const receiveSms = async (tx: EngineContext, sms: InboundSms): Promise<boolean> => {
    const fresh = await store(tx, 'sms', sms.from, sms.providerId, {
      kind: sms.mediaId ? 'image' : 'text',
      body: sms.mediaId ? sms.text || undefined : sms.text,
      mediaId: sms.mediaId,
    })
    // The carriers' opt-out rules hold whichever provider carried the text.
    const keyword = fresh ? smsKeyword(sms.text, sms.optOutType) : undefined
    const contact = keyword ? await tx.store.contacts.findContactByPhone(sms.from) : undefined
    if (keyword && contact) {
      const evidence = await tx.store.messages.getMessageRowByProviderId(sms.providerId)
      await recordSmsConsent(tx, contact.id, keyword, evidence?.id, { messageSid: sms.providerId })
    }
    return fresh
  }

  const intake: ChannelIntake = {
    receiveSms: (sms) => inTransaction(ctx, (tx) => receiveSms(tx, sms)),

    receiveSmsParts: (parts) =>
      inTransaction(ctx, async (tx) => {
        for (const part of parts) await receiveSms(tx, part)
      }),

    async receiveVoicemail(voicemail) {
      const stored = await options.media.put(voicemail.audio, voicemail.mimeType)
      await ctx.store.media.upsertMedia({
        id: stored.id,
        mimeType: voicemail.mimeType,
        size: voicemail.audio.byteLength,
        now: ctx.clock.now(),
      })
      await inTransaction(ctx, (tx) =>
        store(tx, 'voicemail', voicemail.from, voicemail.providerId, {
          kind: 'voicemail',
          body: voicemail.transcript,
          mediaId: stored.id,
          extra: { durationMs: voicemail.durationMs, mimeType: voicemail.mimeType, ...(voicemail.transcript ? { transcript: true } : {}) },
        }),
      )
    },

    async receiveSignedDelivery(rawBody, signature) {
      if (!verifyWebhookSignature(rawBody, signature, options.secret())) return { status: 401, body: 'Invalid signature' }
      // Kept raw before anything is applied, as Meta's and Twilio's are (identical bytes once).
      const seq = await ctx.store.webhookEvents.storeWebhookEvent({
        receivedAt: ctx.clock.now(),
        source: 'channels',
        bodySha256: createHash('sha256').update(rawBody).digest('hex'),
        body: rawBody.toString('utf8'),
        state: 'pending',
      })
      const answer = await applyDelivery(rawBody).catch((error: unknown) => {
        log.error('channel delivery failed', { error: String(error) })
        return { status: 500, body: 'Could not process the delivery' }
      })
      await ctx.store.webhookEvents.markWebhookEvent(
        seq,
        answer.status < 300 ? 'processed' : 'failed',
        answer.status < 300 ? undefined : answer.body,
      )
      return answer
    },
  }

  /** One verified delivery: an inbound SMS, a voicemail, or a status of a text we sent. */
  async function applyDelivery(rawBody: Buffer): Promise<{ status: number; body: string }> {
    let parsed: z.infer<typeof delivery>
    try {
      const result = delivery.safeParse(JSON.parse(rawBody.toString('utf8')))
      if (!result.success) return { status: 400, body: 'Not an SMS, voicemail or status delivery' }
      parsed = result.data
    } catch {
      return { status: 400, body: 'Malformed JSON' }
    }
    if (parsed.type === 'sms') {
      await intake.receiveSms({ providerId: parsed.id, from: parsed.from, text: parsed.text, at: parsed.timestamp })
      return { status: 200, body: 'OK' }
    }
    if (parsed.type === 'status') {
      const failed = parsed.status === 'failed' || parsed.status === 'undelivered'
      await applySmsStatus(ctx, {
        providerId: parsed.id,
        ref: parsed.ref,
        status: failed ? 'failed' : (parsed.status as 'sent' | 'delivered' | 'read'),
        ...(failed
          ? {
              failure: {
                reason: parsed.reason?.trim() || ENGINE_TEXTS['sms.notDelivered'],
                ...(parsed.code ? { code: parsed.code } : {}),
                ...(parsed.optedOut ? { optedOut: true } : {}),
              },
            }
          : {}),
      })
      return { status: 200, body: 'OK' }
    }
    if (await ctx.store.messages.getMessageRowByProviderId(parsed.id)) return { status: 200, body: 'OK' }
    const origin = options.providerOrigin()
    if (!origin || new URL(parsed.audioUrl).origin !== new URL(origin).origin)
      return { status: 400, body: 'The recording is not at the provider' }
    const response = await (options.fetch ?? fetch)(parsed.audioUrl, {
      headers: { Authorization: `Bearer ${options.accessToken()}` },
      signal: AbortSignal.timeout(30_000),
    }).catch(() => undefined)
    if (Number(response?.headers.get('content-length') ?? 0) > MAX_RECORDING_BYTES)
      return { status: 413, body: 'The recording is too large' }
    if (!response?.ok) {
      log.warn('voicemail audio could not be fetched', { status: response?.status })
      // Not 200, so the provider delivers it again later and nothing is lost.
      return { status: 502, body: 'Could not fetch the recording' }
    }
    const audio = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)))
    if (audio.byteLength === 0 || audio.byteLength > MAX_RECORDING_BYTES) return { status: 502, body: 'Could not fetch the recording' }
    await intake.receiveVoicemail({
      providerId: parsed.id,
      from: parsed.from,
      at: parsed.timestamp,
      durationMs: parsed.durationMs,
      transcript: parsed.transcript,
      audio,
      mimeType: response.headers.get('content-type')?.split(';')[0] || 'audio/wav',
    })
    return { status: 200, body: 'OK' }
  }
  return intake
}
