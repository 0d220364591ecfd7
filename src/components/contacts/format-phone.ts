import { parsePhoneNumberFromString } from 'libphonenumber-js/min'

/** Shows a stored E.164 number the way people read it ("+14155550142" → "+1 415 555 0142"). */
export function formatPhone(e164: string | undefined): string {
  if (!e164) return ''
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
}

/** One or two initials for an avatar. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.length > 1 ? [words[0][0], words[words.length - 1][0]] : [words[0]?.[0]]
  return letters.filter(Boolean).join('').toUpperCase()
}
