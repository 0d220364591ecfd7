import { randomBytes } from 'node:crypto'
import { ControlError, type SandboxContext } from './context'
import { appendChat, type SimUser } from './directory'
import { normalizePhone } from './phone'
import { TwilioWebhookPoster } from './twilio-webhooks'
import { sineWav } from './wav'

/** The sandbox's Twilio account: fixed SID; the auth token is the sandbox's app secret. */
export const SANDBOX_TWILIO_ACCOUNT_SID = `AC${'5a4db0c5'.repeat(4)}`
export const TWILIO_API_PREFIX = '/2010-04-01/Accounts/'

/** Carrier errors a test can make a number answer with (Twilio reports them as `undelivered`). */
export const CARRIER_ERRORS = [30003, 30005, 30007] as const
export type CarrierError = (typeof CARRIER_ERRORS)[number]

const MAX_BODY = 1600
// Twilio's default opt-out keywords (Advanced Opt-Out off), matched on the whole trimmed body.
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'])
const OPT_IN = new Set(['START', 'YES', 'UNSTOP'])
const HELP = new Set(['HELP', 'INFO'])

/** A Twilio REST error: `{ code, message, more_info, status }` with that HTTP status. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message)
  }

  body(): object {
    return { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status }
  }
}

export interface TwilioMessageRecord {
  sid: string
  direction: 'outbound-api' | 'inbound'
  from: string
  to: string
  body: string
  status: string
  errorCode: number | null
  numSegments: number
  mediaIds: string[]
  statusCallback?: string
  at: number
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`

/**
 * Twilio as far as Greenline uses it: the Messages API (send, then status callbacks queued → sent →
 * delivered or undelivered with a carrier error), the synchronous errors 21211, 21602, 21610,
 * 21617 and 20429 (429, on request), a number's inbound SMS/MMS webhook with Twilio's opt-out keywords, and a voicemail's
 * recording callback. Webhooks are form posts signed with X-Twilio-Signature.
 */
export class TwilioSurface {
  readonly accountSid = SANDBOX_TWILIO_ACCOUNT_SID
  readonly number: string
  readonly messages: TwilioMessageRecord[] = []
  readonly webhooks: TwilioWebhookPoster
  private readonly optedOut = new Set<string>()
  private readonly carrierErrors = new Map<string, CarrierError>()
  private urls: { sms?: string; voicemail?: string } = {}
  /** Messages API calls still to refuse with 429 / 20429: Twilio's account concurrency limit. */
  private throttle: { requests: number; retryAfterSeconds?: number } = { requests: 0 }
  /** Messages API calls refused with 429 so far. */
  private throttledCount = 0

  constructor(
    private readonly ctx: SandboxContext,
    readonly authToken: string,
  ) {
    this.number = `+${ctx.business.displayPhoneNumber}`
    this.webhooks = new TwilioWebhookPoster({ clock: ctx.clock, authToken })
  }

  configure(input: unknown): object {
    const body = (input ?? {}) as Record<string, unknown>
    for (const key of ['smsUrl', 'voicemailUrl'] as const) {
      const value = body[key]
      if (value === undefined) continue
      if (value !== null && (typeof value !== 'string' || !/^https?:\/\//.test(value)))
        throw new ControlError(400, `${key} must be an http(s) URL`)
      this.urls[key === 'smsUrl' ? 'sms' : 'voicemail'] = value ?? undefined
    }
    return this.view()
  }

  view(): object {
    return {
      accountSid: this.accountSid,
      number: this.number,
      smsUrl: this.urls.sms ?? null,
      voicemailUrl: this.urls.voicemail ?? null,
      optedOut: [...this.optedOut],
      carrierErrors: Object.fromEntries(this.carrierErrors),
      throttle: this.throttle,
      throttled: this.throttledCount,
    }
  }

  /** `POST /sandbox/twilio/throttle { requests, retryAfterSeconds? }`: the next calls answer 429. */
  setThrottle(input: unknown): object {
    const body = (input ?? {}) as { requests?: unknown; retryAfterSeconds?: unknown }
    const requests = body.requests
    if (typeof requests !== 'number' || !Number.isInteger(requests) || requests < 0 || requests > 1000)
      throw new ControlError(400, 'requests must be a whole number from 0 to 1000')
    const retryAfter = body.retryAfterSeconds ?? undefined
    if (
      retryAfter !== undefined &&
      (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 1 || retryAfter > 3600)
    )
      throw new ControlError(400, 'retryAfterSeconds must be a whole number from 1 to 3600, or left out')
    this.throttle = { requests, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) }
    return this.view()
  }

  /** Whether this Messages API call is refused as too many requests (nothing is sent), and for how long. */
  takeThrottle(): { retryAfterSeconds?: number } | undefined {
    if (this.throttle.requests === 0) return undefined
    this.throttle = { ...this.throttle, requests: this.throttle.requests - 1 }
    this.throttledCount++
    return { ...(this.throttle.retryAfterSeconds ? { retryAfterSeconds: this.throttle.retryAfterSeconds } : {}) }
  }

  setCarrierError(phone: string, input: unknown): object {
    const code = (input as { errorCode?: unknown } | null)?.errorCode ?? null
    if (code !== null && !CARRIER_ERRORS.includes(code as CarrierError))
      throw new ControlError(400, `errorCode must be one of ${CARRIER_ERRORS.join(', ')} or null`)
    if (code === null) this.carrierErrors.delete(phone)
    else this.carrierErrors.set(phone, code as CarrierError)
    return this.view()
  }

  /** `POST …/Messages.json`: validates like Twilio, answers 201 with the message, then calls back. */
  send(params: URLSearchParams): object {
    const rawTo = params.get('To') ?? ''
    const to = rawTo.trim().startsWith('+') ? normalizePhone(rawTo) : null
    if (!to) throw new TwilioApiError(400, 21211, `The 'To' number ${rawTo} is not a valid phone number.`)
    const body = params.get('Body') ?? ''
    const mediaUrl = params.get('MediaUrl')
    if (!body && !mediaUrl) throw new TwilioApiError(400, 21602, 'Message body is required.')
    if (body.length > MAX_BODY) throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.')
    if (!params.get('From') && !params.get('MessagingServiceSid'))
      throw new TwilioApiError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.")
    if (this.optedOut.has(to)) throw new TwilioApiError(400, 21610, 'Attempt to send to unsubscribed recipient')
    const now = this.ctx.clock.now()
    const record: TwilioMessageRecord = {
      sid: sid('SM'),
      direction: 'outbound-api',
      from: params.get('From') ?? this.number,
      to,
      body,
      status: 'queued',
      errorCode: null,
      numSegments: Math.max(1, Math.ceil(body.length / 153)),
      mediaIds: [],
      statusCallback: params.get('StatusCallback') ?? undefined,
      at: now,
    }
    this.messages.push(record)
    const failure = this.carrierErrors.get(to)
    const user = this.ctx.directory.get(to) ?? this.ctx.directory.upsert(to, to, false)
    if (!failure)
      appendChat(user, { id: record.sid, direction: 'out', channel: 'sms', type: 'sms', text: body, status: 'delivered', at: now })
    const view = this.messageJson(record)
    this.advance(record, 'sent')
    if (failure) this.advance(record, 'undelivered', failure)
    else this.advance(record, 'delivered')
    return view
  }

  /** The user texts the office number (optionally a picture): Twilio's inbound message webhook. */
  userTexts(phone: string, input: unknown): object {
    const body = (input ?? {}) as Record<string, unknown>
    const text = typeof body.text === 'string' ? body.text : ''
    if (text.length > MAX_BODY) throw new ControlError(400, `text must be at most ${MAX_BODY} characters`)
    const picture = typeof body.imageBase64 === 'string' ? Buffer.from(body.imageBase64, 'base64') : undefined
    if (!text.trim() && !picture?.length) throw new ControlError(400, 'send text, a picture (imageBase64 + mimeType), or both')
    const mimeType = typeof body.mimeType === 'string' ? body.mimeType : 'image/jpeg'
    const user = this.requireUser(phone)
    const now = this.ctx.clock.now()
    const media = picture?.length ? [this.ctx.media.put(picture, mimeType, now)] : []
    const record: TwilioMessageRecord = {
      sid: sid(media.length ? 'MM' : 'SM'),
      direction: 'inbound',
      from: user.phone,
      to: this.number,
      body: text,
      status: 'received',
      errorCode: null,
      numSegments: 1,
      mediaIds: media.map((m) => m.id),
      at: now,
    }
    this.messages.push(record)
    appendChat(user, { id: record.sid, direction: 'in', channel: 'sms', type: media.length ? 'image' : 'sms', text, at: now })
    const keyword = text.trim().toUpperCase()
    const optOutType = OPT_OUT.has(keyword) ? 'STOP' : OPT_IN.has(keyword) ? 'START' : HELP.has(keyword) ? 'HELP' : undefined
    if (optOutType === 'STOP') this.optedOut.add(user.phone)
    if (optOutType === 'START') this.optedOut.delete(user.phone)
    const params: Record<string, string> = {
      ToCountry: 'US',
      SmsMessageSid: record.sid,
      NumMedia: String(media.length),
      SmsSid: record.sid,
      SmsStatus: 'received',
      Body: text,
      To: this.number,
      NumSegments: '1',
      MessageSid: record.sid,
      AccountSid: this.accountSid,
      From: user.phone,
      ApiVersion: '2010-04-01',
      ...(optOutType ? { OptOutType: optOutType } : {}),
    }
    media.forEach((m, index) => {
      params[`MediaUrl${index}`] = `${this.apiBase()}/Messages/${record.sid}/Media/ME${m.id}`
      params[`MediaContentType${index}`] = m.mimeType
    })
    const url = this.urls.sms
    if (!url) throw new ControlError(409, 'No inbound SMS webhook URL is set (POST /sandbox/twilio/config)')
    this.webhooks.post(url, params)
    // A carrier or Twilio retry: the very same webhook, twice.
    if (body.duplicate === true) this.webhooks.post(url, params)
    return { sid: record.sid, ...(optOutType ? { optOutType } : {}) }
  }

  /** The user leaves a voicemail: the recording callback, with the caller in the URL's query. */
  userLeavesVoicemail(phone: string, input: unknown): object {
    const body = (input ?? {}) as Record<string, unknown>
    const durationMs = body.durationMs === undefined ? 3000 : Number(body.durationMs)
    if (!Number.isFinite(durationMs) || durationMs < 1000 || durationMs > 120_000)
      throw new ControlError(400, 'durationMs must be 1000 to 120000')
    const user = this.requireUser(phone)
    const now = this.ctx.clock.now()
    const recording = this.ctx.media.put(sineWav(durationMs), 'audio/x-wav', now)
    const recordingSid = `RE${recording.id}`
    const transcript = typeof body.transcript === 'string' && body.transcript ? body.transcript : undefined
    appendChat(user, {
      id: recordingSid,
      direction: 'in',
      channel: 'voicemail',
      type: 'voicemail',
      mediaId: recording.id,
      mimeType: 'audio/x-wav',
      durationMs,
      transcript,
      at: now,
    })
    const target = this.urls.voicemail
    if (!target) throw new ControlError(409, 'No voicemail webhook URL is set (POST /sandbox/twilio/config)')
    const url = new URL(target)
    url.searchParams.set('From', user.phone)
    this.webhooks.post(url.toString(), {
      AccountSid: this.accountSid,
      CallSid: sid('CA'),
      RecordingSid: recordingSid,
      RecordingUrl: `${this.apiBase()}/Recordings/${recordingSid}`,
      RecordingStatus: 'completed',
      RecordingDuration: String(Math.round(durationMs / 1000)),
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
      ...(transcript ? { TranscriptionText: transcript, TranscriptionStatus: 'completed' } : {}),
    })
    return { sid: recordingSid }
  }

  /** A recording (`…/Recordings/RE….wav`) or MMS media (`…/Media/ME…`) by its sandbox media id. */
  mediaFor(kind: 'recording' | 'media', id: string): { bytes: Buffer; mimeType: string } | undefined {
    const prefix = kind === 'recording' ? 'RE' : 'ME'
    if (!id.startsWith(prefix)) return undefined
    return this.ctx.media.get(id.slice(2).replace(/\.(wav|mp3)$/, ''))
  }

  messageJson(record: TwilioMessageRecord): object {
    return {
      sid: record.sid,
      account_sid: this.accountSid,
      from: record.from,
      to: record.to,
      body: record.body,
      status: record.status,
      direction: record.direction,
      num_segments: String(record.numSegments),
      num_media: String(record.mediaIds.length),
      error_code: record.errorCode,
      error_message: null,
      api_version: '2010-04-01',
      date_created: new Date(record.at).toUTCString(),
      uri: `${TWILIO_API_PREFIX}${this.accountSid}/Messages/${record.sid}.json`,
    }
  }

  close(): void {
    this.webhooks.close()
  }

  private advance(record: TwilioMessageRecord, status: string, errorCode?: number): void {
    record.status = status
    if (errorCode) record.errorCode = errorCode
    if (!record.statusCallback) return
    this.webhooks.post(record.statusCallback, {
      AccountSid: this.accountSid,
      From: record.from,
      To: record.to,
      MessageSid: record.sid,
      SmsSid: record.sid,
      MessageStatus: status,
      SmsStatus: status,
      ApiVersion: '2010-04-01',
      ...(errorCode ? { ErrorCode: String(errorCode) } : {}),
    })
  }

  private apiBase(): string {
    return `${this.ctx.baseUrl()}${TWILIO_API_PREFIX}${this.accountSid}`
  }

  private requireUser(phone: string): SimUser {
    const normalized = normalizePhone(phone)
    const user = normalized ? this.ctx.directory.get(normalized) : undefined
    if (!user) throw new ControlError(404, `No sandbox user ${phone}`)
    return user
  }
}
