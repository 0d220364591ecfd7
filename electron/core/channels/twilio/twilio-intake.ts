import { createHash } from 'node:crypto'
import type { EngineContext } from '../../context'
import type { MediaStore } from '../../media/media-store'
import { makeThumbnail } from '../../media/thumbnail'
import { createLogger } from '../../platform/logger'
import type { ChannelIntake } from '../intake'
import { applySmsStatus } from '../sms-status'
import { twilioError } from './errors'
import { formParams, validTwilioSignature, type TwilioParams } from './signature'
import { TWILIO_API_BASE, type TwilioConfig } from './twilio-provider'

const log = createLogger('twilio')
const MAX_MEDIA_BYTES = 20 * 1024 * 1024

export type TwilioHook = 'sms' | 'status' | 'voicemail'
export interface HookAnswer {
  status: number
  body: string
}

const one = (params: TwilioParams, name: string): string | undefined => {
  const value = params[name]
  return typeof value === 'string' ? value : value?.[0]
}

/**
 * Twilio's webhooks into the engine: inbound SMS/MMS, message status callbacks and voicemail
 * recordings. Each is checked against X-Twilio-Signature over the public URL Twilio called, stored
 * raw, then applied; everything is idempotent on Twilio's SIDs, so a repeat changes nothing.
 */
export function createTwilioIntake(
  ctx: EngineContext,
  options: { config: () => TwilioConfig | undefined; channels: ChannelIntake; media: MediaStore; fetch?: typeof fetch },
) {
  const doFetch = options.fetch ?? fetch

  /** Downloads Twilio media with the API key, only from Twilio's API origin (never elsewhere). */
  const download = async (config: TwilioConfig, url: string): Promise<{ bytes: Uint8Array; mimeType: string } | undefined> => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      return undefined
    }
    if (target.origin !== new URL(config.apiBaseUrl ?? TWILIO_API_BASE).origin) return undefined
    const response = await doFetch(target, {
      headers: { Authorization: `Basic ${Buffer.from(`${config.apiKeySid}:${config.apiKeySecret}`).toString('base64')}` },
      signal: AbortSignal.timeout(30_000),
    }).catch(() => undefined)
    if (!response?.ok || Number(response.headers.get('content-length') ?? 0) > MAX_MEDIA_BYTES) return undefined
    const bytes = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)))
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_MEDIA_BYTES) return undefined
    return { bytes, mimeType: response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream' }
  }

  const storePicture = async (bytes: Uint8Array, mimeType: string): Promise<string> => {
    const stored = await options.media.put(bytes, mimeType)
    let thumbnailId: string | undefined
    try {
      const thumbnail = await makeThumbnail(bytes)
      const small = await options.media.put(thumbnail.bytes, thumbnail.mimeType)
      const now = ctx.clock.now()
      await ctx.store.media.upsertMedia({
        id: small.id,
        mimeType: thumbnail.mimeType,
        size: thumbnail.bytes.byteLength,
        width: thumbnail.width,
        height: thumbnail.height,
        now,
      })
      thumbnailId = small.id
    } catch {
      // A picture we cannot preview is still kept and offered as a download.
    }
    if (!(await ctx.store.media.getMedia(stored.id)))
      await ctx.store.media.upsertMedia({
        id: stored.id,
        mimeType,
        size: bytes.byteLength,
        ...(thumbnailId ? { thumbnailId } : {}),
        now: ctx.clock.now(),
      })
    return stored.id
  }

  const inboundMessage = async (config: TwilioConfig, params: TwilioParams): Promise<HookAnswer> => {
    const sid = one(params, 'MessageSid') ?? one(params, 'SmsSid')
    const from = one(params, 'From')
    if (!sid || !from) return { status: 400, body: 'MessageSid and From are required' }
    if (await ctx.store.messages.getMessageRowByProviderId(sid)) return { status: 200, body: '<Response/>' }
    const text = one(params, 'Body') ?? ''
    const count = Math.min(Number(one(params, 'NumMedia') ?? 0) || 0, 10)
    const pictures: string[] = []
    for (let index = 0; index < count; index++) {
      const url = one(params, `MediaUrl${index}`)
      const media = url ? await download(config, url) : undefined
      // Not 200: Twilio (or the sandbox) delivers it again and nothing is lost.
      if (!media) return { status: 502, body: 'Could not fetch the picture' }
      pictures.push(await storePicture(media.bytes, one(params, `MediaContentType${index}`) ?? media.mimeType))
    }
    const at = ctx.clock.now()
    const optOutType = one(params, 'OptOutType')
    if (pictures.length === 0) await options.channels.receiveSms({ providerId: sid, from, text, at, ...(optOutType ? { optOutType } : {}) })
    // One message per picture; the text goes with the first, as the sender wrote it.
    else
      await options.channels.receiveSmsParts(
        pictures.map((mediaId, index) => ({
          providerId: index === 0 ? sid : `${sid}/${index}`,
          from,
          text: index === 0 ? text : '',
          at,
          mediaId,
          ...(index === 0 && optOutType ? { optOutType } : {}),
        })),
      )
    return { status: 200, body: '<Response/>' }
  }

  const statusCallback = async (params: TwilioParams, ref: string | null): Promise<HookAnswer> => {
    const sid = one(params, 'MessageSid') ?? one(params, 'SmsSid')
    const status = one(params, 'MessageStatus') ?? one(params, 'SmsStatus')
    if (!sid || !status) return { status: 400, body: 'MessageSid and MessageStatus are required' }
    if (status === 'failed' || status === 'undelivered') {
      const code = Number(one(params, 'ErrorCode')) || undefined
      const error = twilioError(code, one(params, 'ErrorMessage'))
      await applySmsStatus(ctx, {
        providerId: sid,
        ref,
        status: 'failed',
        failure: { reason: error.reason, ...(code ? { code } : {}), ...(error.optedOut ? { optedOut: true } : {}) },
      })
    } else if (status === 'sent' || status === 'delivered' || status === 'read') await applySmsStatus(ctx, { providerId: sid, ref, status })
    return { status: 200, body: '' }
  }

  const voicemail = async (config: TwilioConfig, params: TwilioParams, query: URLSearchParams): Promise<HookAnswer> => {
    const sid = one(params, 'RecordingSid')
    const recordingUrl = one(params, 'RecordingUrl')
    // Twilio's recording callback does not name the caller: the TwiML that records the voicemail
    // puts it in the callback URL's query, which the signature covers.
    const from = one(params, 'From') ?? one(params, 'Caller') ?? query.get('From') ?? undefined
    if (!sid || !recordingUrl || !from) return { status: 400, body: 'RecordingSid, RecordingUrl and From are required' }
    if ((one(params, 'RecordingStatus') ?? 'completed') !== 'completed') return { status: 200, body: '' }
    if (await ctx.store.messages.getMessageRowByProviderId(sid)) return { status: 200, body: '' }
    const audio = await download(
      config,
      recordingUrl.endsWith('.wav') || recordingUrl.endsWith('.mp3') ? recordingUrl : `${recordingUrl}.wav`,
    )
    if (!audio) return { status: 502, body: 'Could not fetch the recording' }
    const transcript = one(params, 'TranscriptionText')?.trim()
    await options.channels.receiveVoicemail({
      providerId: sid,
      from,
      at: ctx.clock.now(),
      durationMs: Math.max(0, Number(one(params, 'RecordingDuration') ?? 0) || 0) * 1000,
      ...(transcript ? { transcript } : {}),
      audio: audio.bytes,
      mimeType: audio.mimeType === 'audio/x-wav' ? 'audio/wav' : audio.mimeType,
    })
    return { status: 200, body: '' }
  }

  return {
    /**
     * Handles one webhook: `url` is the path and query as received; the signature is checked over
     * the configured public URL with that path and query. 403 when forged or unsigned, 404 when
     * Twilio is not the SMS provider; the raw body is kept before anything is applied.
     */
    async receive(hook: TwilioHook, url: URL, rawBody: Buffer, signature: string | undefined): Promise<HookAnswer> {
      const config = options.config()
      if (!config) return { status: 404, body: 'Twilio is not the SMS provider here' }
      const params = formParams(rawBody.toString('utf8'))
      const publicUrl = new URL(`${url.pathname}${url.search}`, config.publicUrl).toString()
      if (!validTwilioSignature(config.authToken, signature, publicUrl, params)) return { status: 403, body: 'Invalid X-Twilio-Signature' }
      const body = rawBody.toString('utf8')
      const seq = await ctx.store.webhookEvents.storeWebhookEvent({
        receivedAt: ctx.clock.now(),
        source: `twilio:${hook}`,
        bodySha256: createHash('sha256').update(rawBody).digest('hex'),
        body: JSON.stringify({ url: publicUrl, body }),
        state: 'pending',
      })
      try {
        const answer =
          hook === 'sms'
            ? await inboundMessage(config, params)
            : hook === 'status'
              ? await statusCallback(params, url.searchParams.get('ref'))
              : await voicemail(config, params, url.searchParams)
        await ctx.store.webhookEvents.markWebhookEvent(
          seq,
          answer.status < 300 ? 'processed' : 'failed',
          answer.status < 300 ? undefined : answer.body,
        )
        return answer
      } catch (error) {
        log.error('twilio webhook failed', { hook, error: String(error) })
        await ctx.store.webhookEvents.markWebhookEvent(seq, 'failed', String(error))
        return { status: 500, body: 'Could not process the webhook' }
      }
    },
  }
}

export type TwilioIntake = ReturnType<typeof createTwilioIntake>
