import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

/** Shows a stored E.164 number the way people read it ("+14155550142" → "+1 415 555 0142"). */
export function formatPhone(e164: string | undefined): string {
  if (!e164) return ''
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
}

export { initials } from './initials'
