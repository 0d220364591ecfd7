import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max'

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string }

/**
 * Normalizes a typed number to E.164 ("(415) 555-0101" → "+14155550101"), reading numbers
 * without a country code in `defaultRegion`. WhatsApp needs the '+' and country code: a number
 * sent without them is read in the business number's country and can reach the wrong person.
 */
export function normalizePhone(input: string, defaultRegion: string): PhoneResult {
  const trimmed = input.trim()
  if (trimmed === '') return { ok: false, reason: 'The phone number is empty' }
  if (/[a-z]/i.test(trimmed.replace(/\b(ext|x)\.?\s*\d+$/i, ''))) {
    return { ok: false, reason: `"${trimmed}" is not a phone number` }
  }
  const international = trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed
  const parsed = parsePhoneNumberFromString(international, defaultRegion as CountryCode)
  if (!parsed || !parsed.isValid()) {
    return { ok: false, reason: `"${trimmed}" is not a valid phone number for ${defaultRegion} or in international format (+country code)` }
  }
  return { ok: true, e164: parsed.number }
}
