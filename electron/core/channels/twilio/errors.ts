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
  20003: { kind: 'transient', reason: 'The SMS provider refused Greenline’s credentials; an administrator should check them.' },
  20429: { kind: 'transient', reason: 'The SMS provider asked Greenline to slow down; it will try again.' },
  21211: { kind: 'invalid', reason: 'This is not a valid phone number for SMS.' },
  21408: { kind: 'permanent', reason: 'Your SMS account may not send to this country.' },
  21602: { kind: 'invalid', reason: 'The message is empty.' },
  21610: {
    kind: 'permanent',
    reason: 'This person replied STOP to your texts; they must text START before you can text them again.',
    optedOut: true,
  },
  21612: { kind: 'permanent', reason: 'Your SMS number cannot send to this number.' },
  21614: { kind: 'permanent', reason: 'This number cannot receive SMS (it is not a mobile number).' },
  21617: { kind: 'invalid', reason: 'The message is too long for SMS (at most 1600 characters).' },
  30001: { kind: 'transient', reason: 'The SMS queue overflowed; Greenline will try again.' },
  30003: { kind: 'permanent', reason: 'The phone was unreachable (switched off or out of coverage).' },
  30004: { kind: 'permanent', reason: 'The recipient blocked messages from your number.' },
  30005: { kind: 'permanent', reason: 'The number does not exist or is no longer in service.' },
  30006: { kind: 'permanent', reason: 'This number cannot receive SMS (a landline or an unreachable carrier).' },
  30007: { kind: 'permanent', reason: 'The carrier filtered the message as spam.' },
  30008: { kind: 'permanent', reason: 'The carrier could not deliver the message (unknown error).' },
}

/** The plain-words meaning of a Twilio error code; `fallback` is Twilio's text for others. */
export function twilioError(code: number | undefined, fallback?: string): TwilioErrorInfo {
  const known = code === undefined ? undefined : KNOWN[code]
  if (known) return known
  return {
    kind: 'permanent',
    reason: fallback?.trim() || `The SMS provider could not deliver the message${code ? ` (error ${code})` : ''}.`,
  }
}
