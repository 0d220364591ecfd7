/**
 * How a softphone plugs its SMS into Greenline. Outbound SMS go through `sendSms`; inbound SMS and
 * voicemails are handed to the engine with `ChannelIntake` (see `electron/core/channels/intake.ts`).
 * The sandbox provider (electron/launcher/sandbox-sms-provider.ts) is the reference implementation.
 */
export type SmsResult = { ok: true; value: { providerId: string } } | { ok: false; error: SmsError }

/** Why an SMS did not go: `code` is the provider's (e.g. Twilio 21610), `optedOut` a STOP on file. */
export interface SmsError {
  /** `rate_limited`: the provider's account-wide limit; every SMS waits `retryAfterMs`, then tries again. */
  kind: 'transient' | 'rate_limited' | 'invalid' | 'permanent'
  reason: string
  code?: number
  retryAfterMs?: number
  optedOut?: boolean
}

export interface SmsProvider {
  /** Sends one SMS. Resolves (never throws) with the provider's id or a reason in plain words. */
  sendSms(input: { to: string; text: string; clientRef: string }): Promise<SmsResult>
}

export interface InboundSms {
  providerId: string
  from: string
  text: string
  at: number
  /** An MMS picture, already in the media store (the text is then its caption). */
  mediaId?: string
  /** The provider's own reading of an opt-out keyword (Twilio's `OptOutType`), when it gives one. */
  optOutType?: string
}

export interface InboundVoicemail {
  providerId: string
  from: string
  at: number
  durationMs: number
  transcript?: string
  /** The recording (WAV, MP3 or OGG bytes); stored in the media store. */
  audio: Uint8Array
  mimeType: string
}
