import { ENGINE_TEXTS, engineText, englishOf } from '../../../shared/api/engine-text'

/**
 * Twilio's error codes (https://www.twilio.com/docs/api/errors) in plain words, and whether a
 * send is worth trying again. Codes not listed keep Twilio's own message.
 */
export interface TwilioErrorInfo {
  kind: 'transient' | 'invalid' | 'permanent'
  reason: string
  /** The recipient replied STOP: recorded in the consent ledger, never retried. */
  optedOut?: boolean
}

const KNOWN: Record<number, TwilioErrorInfo> = {
  20003: { kind: 'transient', reason: ENGINE_TEXTS['sms.credentials'] },
  20429: { kind: 'transient', reason: ENGINE_TEXTS['sms.providerSlowDown'] },
  21211: { kind: 'invalid', reason: ENGINE_TEXTS['sms.invalidNumber'] },
  21408: { kind: 'permanent', reason: ENGINE_TEXTS['sms.country'] },
  21602: { kind: 'invalid', reason: ENGINE_TEXTS['sms.empty'] },
  21610: {
    kind: 'permanent',
    reason: ENGINE_TEXTS['sms.stopped'],
    optedOut: true,
  },
  21612: { kind: 'permanent', reason: ENGINE_TEXTS['sms.cannotSendTo'] },
  21614: { kind: 'permanent', reason: ENGINE_TEXTS['sms.notMobile'] },
  21617: { kind: 'invalid', reason: ENGINE_TEXTS['sms.tooLong'] },
  30001: { kind: 'transient', reason: ENGINE_TEXTS['sms.queueOverflow'] },
  30003: { kind: 'permanent', reason: ENGINE_TEXTS['sms.unreachable'] },
  30004: { kind: 'permanent', reason: ENGINE_TEXTS['sms.blocked'] },
  30005: { kind: 'permanent', reason: ENGINE_TEXTS['sms.noSuchNumber'] },
  30006: { kind: 'permanent', reason: ENGINE_TEXTS['sms.landline'] },
  30007: { kind: 'permanent', reason: ENGINE_TEXTS['sms.spam'] },
  30008: { kind: 'permanent', reason: ENGINE_TEXTS['sms.carrierUnknown'] },
}

/** The plain-words meaning of a Twilio error code; `fallback` is Twilio's text for others. */
export function twilioError(code: number | undefined, fallback?: string): TwilioErrorInfo {
  const known = code === undefined ? undefined : KNOWN[code]
  if (known) return known
  return {
    kind: 'permanent',
    reason:
      fallback?.trim() || englishOf(code ? engineText('sms.providerNotDeliveredCode', { code }) : engineText('sms.providerNotDelivered')),
  }
}
